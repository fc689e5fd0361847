import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import type { JobScenario } from '../types';

/**
 * The `properties` a seeded job reports, as if it had been submitted: just enough for the job
 * to satisfy the 2022-10-01 spec (a Command job needs a command and an environment).
 */
export function seededJobProperties(
  cloud: Cloud,
  jobType: string,
  scenario: JobScenario,
  outputTypes: Record<string, string> = {},
): Record<string, unknown> {
  const outputs = Object.fromEntries(
    Object.entries(outputTypes).map(([name, type]) => [name, { jobOutputType: type, mode: 'ReadWriteMount' }]),
  );
  const ws = workspaceArmId(cloud);
  const computeId = `${ws}/computes/cpu-cluster`;
  if (jobType === 'Command') {
    return {
      jobType,
      command: 'python train.py',
      environmentId: `${ws}/environments/CliV2AnonymousEnvironment/versions/1`,
      computeId,
      outputs,
      properties: {},
    };
  }
  const jobs = Object.fromEntries(
    (scenario.children ?? []).map((child) => [
      child.displayName,
      { name: child.displayName, type: 'command', _source: 'YAML.JOB', computeId },
    ]),
  );
  return { jobType, computeId, jobs, settings: { _source: 'YAML.JOB' }, inputs: {}, outputs, properties: {} };
}
