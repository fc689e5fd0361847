// Placeholder shell; replaced by the real task in the next commits.
import * as tl from 'azure-pipelines-task-lib/task';
tl.setResult(tl.TaskResult.Failed, 'not implemented yet');
