import { strict as assert } from 'node:assert';
import { parseBoolean, parseChoice, parseResourceName, parseWholeNumber } from '../../shared/task/input-parsers';
import { UserError } from '../../shared/task/user-error';

describe('input parsers', () => {
  it('parses whole numbers within range', () => {
    assert.equal(parseWholeNumber('timeoutMinutes', ' 15 ', { min: 1, max: 10080, unit: 'minutes' }), 15);
  });

  for (const bad of ['abc', '1.5', '-3', '0', '10081', '', '1e3']) {
    it(`rejects '${bad}' naming the input, the value and the valid range`, () => {
      assert.throws(
        () => parseWholeNumber('timeoutMinutes', bad, { min: 1, max: 10080, unit: 'minutes' }),
        (e: unknown) =>
          e instanceof UserError && e.message === `'timeoutMinutes' must be a whole number of minutes between 1 and 10080, got '${bad}'`,
      );
    });
  }

  it('matches choices case-insensitively and returns the canonical spelling', () => {
    assert.equal(parseChoice('onTimeout', 'CANCELJOB', ['cancelJob', 'leaveRunning'] as const), 'cancelJob');
    assert.throws(
      () => parseChoice('onTimeout', 'stop', ['cancelJob', 'leaveRunning'] as const),
      /'onTimeout' must be one of 'cancelJob', 'leaveRunning', got 'stop'/,
    );
  });

  it('parses booleans strictly', () => {
    assert.equal(parseBoolean('failOnCanceledJob', 'True'), true);
    assert.equal(parseBoolean('failOnCanceledJob', 'false'), false);
    assert.throws(() => parseBoolean('failOnCanceledJob', 'yes'), /'failOnCanceledJob' must be 'true' or 'false', got 'yes'/);
  });

  it('rejects resource names that would change the URL, and unexpanded variables', () => {
    assert.equal(parseResourceName('workspaceName', ' ws1 '), 'ws1');
    assert.throws(() => parseResourceName('workspaceName', 'a/b'), /'workspaceName' must be an Azure resource name.*got 'a\/b'/);
    assert.throws(() => parseResourceName('workspaceName', ''), /'workspaceName' is required/);
    assert.throws(() => parseResourceName('workspaceName', '$(ws)'), /'workspaceName' is '\$\(ws\)', a pipeline variable that is not set/);
    assert.throws(() => parseResourceName('workspaceName', 'x'.repeat(34), 33), /at most 33 characters/);
  });
});
