/** The chaos run's reading of a flow log: which steps failed, whether each failed in one clean line, which secrets show. */
import { strict as assert } from 'node:assert';
import { failedSteps, secretsInLog } from '../../bench/chaos/log-checks';

const step = (name: string, result: string, body: string[]) => [
  `##[section]Starting: ${name}`,
  ...body,
  `##[section]Finishing: ${name} (${result})`,
];

describe('chaos log checks', () => {
  const log = [
    '=== ML Build (x) ===',
    '##[section]Stage Train (Train)',
    ...step('Submit', 'Succeeded', ['##[warning]retried once']),
    '=== ML Release (y) ===',
    '##[section]Stage Staging (Deploy to staging)',
    ...step('Deploy to endpoint s', 'Failed', ["##[error]Deployment 'd' failed: HTTP 409 Conflict (request id 1)."]),
    '##[section]Stage Production (Deploy)',
    ...step('Deploy to endpoint p', 'Failed', [
      '##[error]boom',
      'TypeError: boom',
      '    at deploy (index.js:1:1)',
      '##[error]the process exited with code 1',
    ]),
  ];

  it('finds each failed step with its pipeline, stage and error lines, and judges it clean only with one error line and no stack', () => {
    const failed = failedSteps(log);
    assert.deepEqual(
      failed.map((f) => [f.pipeline, f.stage, f.step, f.errors.length, f.stackLines, f.clean]),
      [
        ['ML Release', 'Staging', 'Deploy to endpoint s', 1, 0, true],
        ['ML Release', 'Production', 'Deploy to endpoint p', 2, 1, false],
      ],
    );
    assert.equal(failed[0]!.errors[0], "Deployment 'd' failed: HTTP 409 Conflict (request id 1).");
  });

  it('accepts a stack trace under System.Debug, never two error lines', () => {
    const debug = [
      '##[debug]System.Debug is on',
      ...step('A', 'Failed', ['##[error]one', '    at x (y.js:1:1)']),
      ...step('B', 'Failed', ['##[error]one', '##[error]two']),
    ];
    assert.deepEqual(
      failedSteps(debug).map((f) => f.clean),
      [true, false],
    );
  });

  it('finds a known secret in any encoding and any token by its shape, and prints neither', () => {
    const secret = 'Zx9!key/with+chars==';
    const jwt = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYzovL29yZy9wcm9qIn0.${'s'.repeat(40)}`;
    const hits = secretsInLog(
      [
        'clean line',
        `url ${encodeURIComponent(secret)}`,
        `b64 ${Buffer.from(`u:${secret}`).toString('base64')}`,
        `Authorization: Bearer ${jwt}`,
        `token aml.${'A'.repeat(32)}`,
      ],
      [secret],
    );
    assert.equal(hits.length, 4, hits.join('\n'));
    assert.match(hits.join('\n'), /URL-encoded[\s\S]*base64[\s\S]*JWT[\s\S]*AML endpoint token/);
    for (const h of hits) assert.ok(!h.includes(secret) && !h.includes(jwt), h);
    assert.deepEqual(secretsInLog(['nothing here', 'azureml.pipelinerunid: 1234567890abcdef1234567890abcdef'], [secret]), []);
  });
});
