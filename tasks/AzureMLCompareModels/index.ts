// First: masks secrets in all output before task-lib loads and echoes any.
import '../../shared/task/mask-output-first';
import * as tl from 'azure-pipelines-task-lib/task';
import { runTask } from '../../shared/task/run-task';
import { openWorkspace } from '../../shared/task/open-workspace';
import { parseCompareInputs } from '../../shared/compare/compare-inputs';
import { compareModels } from '../../shared/compare/compare-models';
import { COMPARE_VARIABLES } from '../../shared/task/handoff-variables';
import { writeTaskFile } from '../../shared/task/task-files';

void runTask(async ({ abortSignal }) => {
  const inputs = parseCompareInputs((name) => tl.getInput(name, false));
  const { workspace } = await openWorkspace(inputs, { taskName: 'AzureMLCompareModels/1', abortSignal });
  const report = await compareModels(workspace, inputs, (line) => console.log(line), abortSignal);
  const candidateMetrics = JSON.stringify(report.candidateMetrics);
  tl.setVariable('promote', String(report.verdict.promote), false, true);
  tl.setVariable('reason', report.verdict.reason, false, true);
  tl.setVariable('candidateMetrics', candidateMetrics, false, true);
  tl.setVariable('productionModel', report.productionModel, false, true);
  // Job-scoped copies, so AzureMLRegisterModel@1 later in the job tags the verdict without wiring.
  tl.setVariable(COMPARE_VARIABLES.jobName, inputs.jobName);
  tl.setVariable(COMPARE_VARIABLES.promote, String(report.verdict.promote));
  tl.setVariable(COMPARE_VARIABLES.reason, report.verdict.reason);
  tl.setVariable(COMPARE_VARIABLES.forced, report.verdict.forced ? (inputs.forceReason ?? '') : '');
  tl.setVariable(COMPARE_VARIABLES.candidateMetrics, candidateMetrics);
  tl.setVariable(COMPARE_VARIABLES.productionModel, report.productionModel);
  tl.uploadSummary(writeTaskFile('model-comparison.md', report.summaryMarkdown));
  console.log(report.message);
  if (report.verdict.forced) tl.warning(report.verdict.reason);
  tl.setResult(tl.TaskResult[report.result], report.message);
});
