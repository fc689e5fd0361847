// First: masks secrets in all output before task-lib loads and echoes any.
import '../../shared/task/mask-output-first';
// Then: a SAS in the data or baseline URL, which task-lib would echo in a debug line.
import '../../shared/validate/mask-url-secrets';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import { runTask } from '../../shared/task/run-task';
import { openWorkspace } from '../../shared/task/open-workspace';
import { agentPathsFrom, pathKind } from '../../shared/task/agent-path-input';
import { maskSecret } from '../../shared/task/secrets';
import { readAgentHttpOptions } from '../../shared/http/agent-http-options';
import { limitHeapGrowth } from '../../shared/data/heap-growth';
import { parseValidateInputs } from '../../shared/validate/validate-inputs';
import { neutralizeCommands, validateDataTask } from '../../shared/validate/validate-data';
import { VALIDATE_VARIABLES } from '../../shared/task/handoff-variables';
import { urlSecrets } from '../../shared/validate/mask-url-secrets';

// Parquet's large decoded pages would otherwise let the old generation grow to ~4x what is live.
limitHeapGrowth();

void runTask(async ({ abortSignal }) => {
  const inputs = parseValidateInputs(
    (name) => tl.getInput(name, false),
    agentPathsFrom((name) => tl.getVariable(name), pathKind),
  );
  // A SAS in a URL input is registered with the agent too, whether or not a workspace is opened.
  for (const spec of [inputs.data, inputs.baseline]) urlSecrets(spec).forEach(maskSecret);
  const c = inputs.connection;
  const outcome = await validateDataTask(inputs, {
    // Signs in only when an input is in Azure: a local file needs no connection and makes no call.
    workspace:
      c &&
      (async () => {
        const { workspace, credential } = await openWorkspace(c, { taskName: 'AzureMLValidateData/1', abortSignal });
        return { workspace, credential, http: readAgentHttpOptions, mask: maskSecret };
      }),
    baseDir: tl.getVariable('System.DefaultWorkingDirectory') || process.cwd(),
    // A fresh folder per run under Agent.TempDirectory (as writeTaskFile does), unless the user names one.
    outputFolder: inputs.outputFolder ?? fs.mkdtempSync(path.join(tl.getVariable('Agent.TempDirectory') || os.tmpdir(), 'azureml-')),
    log: (line) => console.log(neutralizeCommands(line)),
    warn: (line) => tl.warning(line),
    abortSignal,
  });
  tl.setVariable('passed', String(outcome.report.passed), false, true);
  tl.setVariable('violationCount', String(outcome.report.violationCount), false, true);
  tl.setVariable('reportPath', outcome.reportPath, false, true);
  tl.setVariable('profilePath', outcome.profilePath, false, true);
  if (inputs.trainingData) {
    // Job-scoped, so AzureMLRegisterModel@1 later in the job attaches the profile without wiring.
    tl.setVariable(VALIDATE_VARIABLES.profilePath, outcome.profilePath);
    tl.setVariable(VALIDATE_VARIABLES.trainingData, outcome.trainingData);
  }
  tl.uploadSummary(outcome.summaryPath);
  for (const line of outcome.issues) {
    if (inputs.onViolation === 'warn') tl.warning(line);
    else tl.error(line);
  }
  console.log(neutralizeCommands(outcome.message));
  tl.setResult(tl.TaskResult[outcome.result], outcome.message);
});
