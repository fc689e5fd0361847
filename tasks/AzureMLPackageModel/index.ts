// First: masks secrets in all output before task-lib loads and echoes any.
import '../../shared/task/mask-output-first';
import * as tl from 'azure-pipelines-task-lib/task';
import { runTask } from '../../shared/task/run-task';
import { agentPathsFrom, pathKind } from '../../shared/task/agent-path-input';
import { openWorkspace } from '../../shared/task/open-workspace';
import { writeTaskFile } from '../../shared/task/task-files';
import { parsePackageInputs } from '../../shared/package/package-inputs';
import { packageModel, packagePublishing } from '../../shared/package/package-model';
import { openDefaultDatastore } from '../../shared/azureml/datastore-upload';
import { readAgentHttpOptions } from '../../shared/http/agent-http-options';
import { maskSecret } from '../../shared/task/secrets';
import { HANDOFF_VARIABLES } from '../../shared/task/handoff-variables';

void runTask(async ({ abortSignal }) => {
  const inputs = parsePackageInputs(
    (name) => tl.getInput(name, false),
    agentPathsFrom((name) => tl.getVariable(name), pathKind),
  );
  const { workspace } = await openWorkspace(inputs, { taskName: 'AzureMLPackageModel/1', abortSignal });
  const manifest = await packageModel(workspace, inputs, {
    log: (line) => console.log(line),
    warn: (line) => tl.warning(line),
    abortSignal,
    openDatastore: () => openDefaultDatastore(workspace, readAgentHttpOptions, maskSecret, abortSignal),
  });
  tl.setVariable('packageId', manifest.packageId, false, true);
  tl.setVariable('modelId', manifest.model.id, false, true);
  tl.setVariable('environmentId', manifest.environmentId ?? '', false, true);
  tl.setVariable('codeId', manifest.code?.id ?? '', false, true);
  const file = writeTaskFile('package-manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  // Job-scoped: AzureMLDeployModel@1 later in the same job reads it by default.
  tl.setVariable(HANDOFF_VARIABLES.packageManifest, file);
  const publishing = packagePublishing(tl.getVariable('System.HostType'));
  if (publishing.publish) tl.uploadArtifact('package', file, inputs.artifactName);
  else console.log(publishing.why);
  tl.setResult(tl.TaskResult.Succeeded, `Packaged ${manifest.model.id} as package ${manifest.packageId}.`);
});
