// First: masks secrets in all output before task-lib loads and echoes any.
import '../../shared/task/mask-output-first';
import * as tl from 'azure-pipelines-task-lib/task';
import { runTask } from '../../shared/task/run-task';
import { agentPathsFrom, pathKind } from '../../shared/task/agent-path-input';
import { openWorkspace } from '../../shared/task/open-workspace';
import { maskSecret } from '../../shared/task/secrets';
import { HANDOFF_VARIABLES } from '../../shared/task/handoff-variables';
import { readAgentHttpOptions } from '../../shared/http/agent-http-options';
import { parsePublishInputs } from '../../shared/publish/publish-inputs';
import { preparePublish, publishPipeline } from '../../shared/publish/publish-pipeline';

void runTask(async ({ abortSignal }) => {
  const inputs = parsePublishInputs(
    (name) => tl.getInput(name, false),
    agentPathsFrom((name) => tl.getVariable(name), pathKind),
  );
  const variables = (name: string) => tl.getVariable(name);
  const repoRoot = tl.getVariable('Build.SourcesDirectory') ?? tl.getVariable('System.DefaultWorkingDirectory') ?? process.cwd();
  // The YAML is read and checked before signing in: a typo costs no call to Azure.
  const prepared = preparePublish(inputs, { repoRoot, variables });
  const { workspace } = await openWorkspace(inputs, { taskName: 'AzureMLPublishPipeline/1', abortSignal });
  const report = await publishPipeline(workspace, prepared, {
    abortSignal,
    log: (line) => console.log(line),
    repoRoot,
    variables,
    mask: maskSecret,
    http: readAgentHttpOptions,
  });
  if (report.jobName) {
    tl.setVariable('jobName', report.jobName, false, true);
    // A plain variable too, so a following AzureMLWaitForRun@1 finds it through its default $(AzureML.JobName).
    tl.setVariable(HANDOFF_VARIABLES.jobName, report.jobName);
  }
  if (report.studioUrl) tl.setVariable('studioUrl', report.studioUrl, false, true);
  if (report.pipelineComponentId) tl.setVariable('pipelineComponentId', report.pipelineComponentId, false, true);
  tl.setResult(tl.TaskResult.Succeeded, report.message);
});
