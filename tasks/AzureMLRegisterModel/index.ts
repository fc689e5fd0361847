// First: masks secrets in all output before task-lib loads and echoes any.
import '../../shared/task/mask-output-first';
import * as tl from 'azure-pipelines-task-lib/task';
import { runTask } from '../../shared/task/run-task';
import { openWorkspace } from '../../shared/task/open-workspace';
import { readTraceability } from '../../shared/task/traceability';
import { writeTaskFile } from '../../shared/task/task-files';
import { COMPARE_VARIABLES, HANDOFF_VARIABLES } from '../../shared/task/handoff-variables';
import { parseRegisterInputs } from '../../shared/register/register-inputs';
import { registerModel } from '../../shared/register/register-model';
import { buildPublishing } from '../../shared/register/model-record';
import { readTrainingDataRecord } from '../../shared/register/model-profile';
import { VALIDATE_VARIABLES } from '../../shared/task/handoff-variables';
import { maskSecret } from '../../shared/task/secrets';
import { readAgentHttpOptions } from '../../shared/http/agent-http-options';

/** The build tag a release pipeline's `resources.pipelines` trigger can filter on. */
const BUILD_TAG = 'model-registered';

void runTask(async ({ abortSignal }) => {
  const inputs = parseRegisterInputs((name) => tl.getInput(name, false));
  const compare = Object.fromEntries(Object.entries(COMPARE_VARIABLES).map(([k, name]) => [k, tl.getVariable(name) || undefined]));
  // The training data's profile from AzureMLValidateData@1 earlier in the job, checked before any call to Azure.
  const trainingData = readTrainingDataRecord(
    { profilePath: tl.getVariable(VALIDATE_VARIABLES.profilePath), trainingData: tl.getVariable(VALIDATE_VARIABLES.trainingData) },
    VALIDATE_VARIABLES.profilePath,
  );
  const { workspace } = await openWorkspace(inputs, { taskName: 'AzureMLRegisterModel/1', abortSignal });
  const report = await registerModel(workspace, inputs, {
    traceability: readTraceability((name) => tl.getVariable(name)),
    compare,
    log: (line) => console.log(line),
    warn: (line) => tl.warning(line),
    abortSignal,
    trainingData,
    http: readAgentHttpOptions,
    mask: maskSecret,
  });
  const m = report.modelJson;
  console.log(report.message);
  tl.setVariable('modelName', m.name, false, true);
  tl.setVariable('modelVersion', m.version, false, true);
  tl.setVariable('modelId', m.id, false, true);
  tl.setVariable('modelAssetId', m.assetId, false, true);
  // Job-scoped, so later steps (package, deploy) pick the exact version without wiring.
  tl.setVariable(HANDOFF_VARIABLES.modelName, m.name);
  tl.setVariable(HANDOFF_VARIABLES.modelVersion, m.version);
  tl.setVariable(HANDOFF_VARIABLES.modelId, m.id);
  const publishing = buildPublishing(tl.getVariable('System.HostType'));
  if (publishing.publish) {
    // The container folder is the artifact's data (#/<containerId>/<folder>): a fixed folder would make
    // two register steps' artifacts share one folder, and the last model.json would win for both.
    tl.uploadArtifact(inputs.artifactName, writeTaskFile('model.json', `${JSON.stringify(m, null, 2)}\n`), inputs.artifactName);
    tl.addBuildTag(BUILD_TAG);
  } else {
    console.log(publishing.why);
  }
  tl.setResult(tl.TaskResult.Succeeded, report.message);
});
