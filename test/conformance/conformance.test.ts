import * as assert from 'assert';
import * as path from 'path';
import { loadAllTraffic, TRAFFIC_ROOT } from '../harness/traffic';
import { formatProblem, getConformanceValidator } from './validator';

// Replays every request/response pair the task-process tests recorded (build/traffic/<test>/<n>.json)
// through oav's LiveValidator against the official Azure ML 2022-10-01 spec. Must run after
// test/tasks (see the spec order in .mocharc.json).
describe('conformance: recorded traffic against the Azure ML 2022-10-01 REST spec', function () {
  this.timeout(300_000);

  it('every recorded request and response validates', async () => {
    const saved = loadAllTraffic();
    if (saved.length === 0) {
      assert.fail(`no traffic recorded: the task-process tests (test/tasks) must run first (looked in ${path.relative(process.cwd(), TRAFFIC_ROOT) || TRAFFIC_ROOT})`);
    }
    const validator = await getConformanceValidator();
    const failures: string[] = [];
    for (const s of saved) {
      const problems = await validator.validate(s.pair);
      for (const p of problems) failures.push(`${s.label}/${s.index}.json: ${formatProblem(p)}`);
    }
    const labels = new Set(saved.map((s) => s.label)).size;
    if (failures.length > 0) {
      assert.fail(`${failures.length} conformance problem(s) in ${saved.length} pair(s) from ${labels} test file(s):\n  ${failures.join('\n  ')}`);
    }
  });
});
