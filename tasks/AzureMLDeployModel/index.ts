// First: masks secrets in all output before task-lib loads and echoes any.
import '../../shared/task/mask-output-first';
import * as tl from 'azure-pipelines-task-lib/task';
import { runTask } from '../../shared/task/run-task';
import { agentPathsFrom, pathKind } from '../../shared/task/agent-path-input';
import { openWorkspace } from '../../shared/task/open-workspace';
import { readTraceability } from '../../shared/task/traceability';
import { maskSecret } from '../../shared/task/secrets';
import { readAgentHttpOptions } from '../../shared/http/agent-http-options';
import { parseDeployInputs } from '../../shared/deploy/deploy-inputs';
import { deployModel } from '../../shared/deploy/deploy-model';
import { scoringClient } from '../../shared/deploy/scoring-client';

void runTask(async ({ abortSignal }) => {
  const inputs = parseDeployInputs(
    (name) => tl.getInput(name, false),
    agentPathsFrom((name) => tl.getVariable(name), pathKind),
  );
  const { workspace } = await openWorkspace(inputs, { taskName: 'AzureMLDeployModel/1', abortSignal });
  const report = await deployModel(workspace, inputs, {
    traceability: readTraceability((name) => tl.getVariable(name)),
    log: (line) => console.log(line),
    warn: (line) => tl.warning(line),
    secret: maskSecret,
    score: scoringClient(readAgentHttpOptions),
    abortSignal,
  });
  tl.setVariable('endpointName', report.endpointName, false, true);
  tl.setVariable('deploymentName', report.deploymentName, false, true);
  tl.setVariable('scoringUri', report.scoringUri, false, true);
  tl.setVariable('swaggerUri', report.swaggerUri, false, true);
  tl.setVariable('previousTraffic', JSON.stringify(report.previousTraffic), false, true);
  tl.setResult(tl.TaskResult.Succeeded, report.message);
});
