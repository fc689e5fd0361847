/**
 * `npm run chaos` in small: three full ML Build + ML Release flows of the example, each with 10% of
 * the requests to ARM, Entra, run history, MLflow and scoring answered by a transient fault (429,
 * 500, 502, 503, reset, lost response), seeds fixed so a failure replays. Every flow must come
 * through: the product's retries and idempotent writes are what this guards (bench/chaos.ts has the
 * definitions of succeeded, duplicate, partial state and secrets).
 */
import { strict as assert } from 'node:assert';
import { describeFlow, FAULT_KINDS, runChaosFlow, type ChaosFlowReport } from '../../bench/chaos/flow';

const RATE = 0.1;
const SEEDS = [11, 12, 13];

describe('chaos: 3 full flows with 10% transient faults (seeds 11-13)', function () {
  this.timeout(300_000);
  const reports: ChaosFlowReport[] = [];
  before(async function () {
    this.timeout(600_000);
    // One after the other: each flow has its own emulator and Azurite, and the machine has two cores.
    for (const seed of SEEDS) reports.push(await runChaosFlow({ rate: RATE, seed }));
  });

  const described = (pick: (r: ChaosFlowReport) => boolean) =>
    reports.flatMap((r, i) => (pick(r) ? [describeFlow(r, i + 1)] : [])).join('\n');

  it('injects every kind of transient fault somewhere in the three flows', () => {
    const total = (k: string) => reports.reduce((a, r) => a + (r.faults[k] ?? 0), 0);
    assert.deepEqual(
      FAULT_KINDS.filter((k) => total(k) === 0),
      [],
      reports.map((r, i) => describeFlow(r, i + 1)).join('\n'),
    );
  });

  it('every flow succeeds: built, released, production serving the new model at 100%', () => {
    assert.deepEqual(
      reports.filter((r) => !r.succeeded).map((r) => r.seed),
      [],
      described((r) => !r.succeeded),
    );
  });

  it('no duplicate job, model version or deployment', () => {
    assert.deepEqual(
      reports.flatMap((r) => r.duplicateDetails.map((d) => `seed ${r.seed}: ${d}`)),
      [],
      described((r) => r.duplicateDetails.length > 0),
    );
  });

  it('no flow leaves a partial state', () => {
    assert.deepEqual(
      reports.flatMap((r) => r.partial.map((p) => `seed ${r.seed}: ${p}`)),
      [],
      described((r) => r.partial.length > 0),
    );
  });

  it('no secret in any log', () => {
    assert.deepEqual(
      reports.flatMap((r) => r.secrets.map((s) => `seed ${r.seed}: ${s}`)),
      [],
    );
  });

  it('every failure is one clean line', () => {
    assert.deepEqual(
      reports.filter((r) => !r.clean).map((r) => r.seed),
      [],
      described((r) => !r.clean),
    );
  });
});
