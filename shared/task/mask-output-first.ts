/**
 * Import this FIRST in every task's index.ts. It must run before azure-pipelines-task-lib loads:
 * task-lib moves secrets out of process.env (after echoing some into debug lines) as it loads.
 */
import { agentSecrets, outputMasker } from './output-masker';

outputMasker.add(agentSecrets(process.env));
outputMasker.wrap(process.stdout);
outputMasker.wrap(process.stderr);
