/**
 * Conformance where the traffic is made: a suite that drives the tasks against an emulator ends
 * with a check that every request and response of its tests validates against the official Azure
 * ML 2022-10-01 spec. Nothing is handed between test files, so no file order matters.
 */
import { strict as assert } from 'node:assert';
import { formatProblem, getConformanceValidator, type TrafficPair } from './validator';

/** Every problem of the pairs, each line naming the pair's position, operation, URL and field. */
export async function conformanceProblems(pairs: TrafficPair[]): Promise<string[]> {
  const validator = await getConformanceValidator();
  const problems: string[] = [];
  for (const [i, pair] of pairs.entries()) for (const p of await validator.validate(pair)) problems.push(`#${i + 1}: ${formatProblem(p)}`);
  return problems;
}

/**
 * Call last in a describe whose tests run tasks against `traffic()`'s emulator: adds a suite that
 * runs after all of them (mocha runs a suite's own tests, then its child suites in order) and
 * before the describe's `after` hook stops the emulator.
 */
export function conformsToSpec(traffic: () => TrafficPair[]): void {
  describe('conformance', function () {
    this.timeout(120_000);
    it('every request and response these tests made validates against the Azure ML 2022-10-01 spec', async () => {
      const pairs = traffic();
      assert.ok(
        pairs.length > 0,
        'the suite made no request to check: conformsToSpec belongs in a suite that runs tasks against the emulator',
      );
      const problems = await conformanceProblems(pairs);
      if (problems.length > 0)
        throw new Error(`${problems.length} conformance problem(s) in ${pairs.length} pair(s):\n  ${problems.join('\n  ')}`);
    });
  });
}
