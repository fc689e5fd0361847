import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import * as tl from 'azure-pipelines-task-lib/task';

/**
 * Writes a file the agent picks up after the task (summary markdown, artifacts) into a folder of its
 * own under Agent.TempDirectory, which the agent cleans after the job; a fresh folder per task run
 * keeps two steps of the same job from overwriting each other's files before upload.
 */
export function writeTaskFile(name: string, content: string): string {
  const root = tl.getVariable('Agent.TempDirectory') || os.tmpdir();
  const dir = fs.mkdtempSync(path.join(root, 'azureml-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content, 'utf8');
  return file;
}
