// First: masks secrets in all output before task-lib loads and echoes any.
import '../../shared/task/mask-output-first';
import * as tl from 'azure-pipelines-task-lib/task';
import { setTimeout as sleep } from 'node:timers/promises';
import { runTask } from '../../shared/task/run-task';
import { workspaceFromAgent } from '../../shared/task/open-workspace';
import { parseWaitForRunInputs } from '../../shared/wait/wait-for-run-inputs';
import { waitForRun } from '../../shared/wait/wait-for-run';

void runTask(async ({ abortSignal }) => {
  const inputs = parseWaitForRunInputs((name) => tl.getInput(name, false));
  const { ref } = workspaceFromAgent(inputs, { taskName: 'AzureMLWaitForRun/1' });
  const report = await waitForRun(ref, inputs, {
    abortSignal,
    now: () => Date.now(),
    sleep: async (ms, abortSignal) => void (await sleep(ms, undefined, { signal: abortSignal })),
    log: (line) => console.log(line),
    warn: (line) => tl.warning(line),
  });
  tl.setVariable('status', report.outputs.status, false, true);
  tl.setVariable('studioUrl', report.outputs.studioUrl, false, true);
  tl.setVariable('durationSeconds', report.outputs.durationSeconds, false, true);
  tl.setResult(tl.TaskResult[report.result], report.message);
});
