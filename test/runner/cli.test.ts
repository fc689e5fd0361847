import { strict as assert } from 'node:assert';
import { main, parseCliArgs } from '../../local-runner/cli';

describe('runner: cli', function () {
  it('parses the pipeline file, --param and --var pairs (values may contain =)', () => {
    assert.deepEqual(parseCliArgs(['ml-build.yml', '--param', 'env=dev', '--var', 'a=b=c', '--var', 'x=']), {
      file: 'ml-build.yml',
      parameters: { env: 'dev' },
      variables: { a: 'b=c', x: '' },
    });
  });

  it('refuses a malformed pair, an unknown option and a missing file name', () => {
    assert.throws(() => parseCliArgs(['p.yml', '--param', 'novalue']), /--param needs name=value \(got 'novalue'\)/);
    assert.throws(() => parseCliArgs(['p.yml', '--verbose']), /unknown option '--verbose'/);
    assert.throws(() => parseCliArgs([]), /^LocalRunError: usage: tsx local-runner\/cli\.ts <pipeline\.yml>/);
  });

  it('exits 1 with one error line for a file that does not exist', async () => {
    const errors: string[] = [];
    const orig = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      assert.equal(await main(['/nonexistent/pipeline.yml']), 1);
    } finally {
      console.error = orig;
    }
    assert.deepEqual(errors, ['error: pipeline file not found: /nonexistent/pipeline.yml']);
  });
});
