/**
 * `tsx local-runner/cli.ts <pipeline.yml> [--param name=value]… [--var name=value]… [--repo alias=folder]… [--reason Manual|Schedule|…]`
 * Expands the YAML (expand-pipeline.ts; `--repo` gives the folder of a `resources.repositories` alias) and runs it here without service connections: script-only
 * pipelines run whole; a task that needs a connection fails with the unknown-connection error.
 * Exit code 0 when the run Succeeded or SucceededWithIssues, 1 otherwise.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalRunError } from './execution/errors';
import { expandPipeline } from './expansion/expand-pipeline';
import { PipelineDefinitionError } from './expansion/pipeline-errors';
import { BUILD_REASONS, compileTimeVariables } from './evaluation/predefined';
import { isSuccess } from './execution/run-types';
import { runPipeline } from './execution/run-pipeline';

interface CliArgs {
  file: string;
  parameters: Record<string, string>;
  variables: Record<string, string>;
  repositories: Record<string, string>;
  /** Build.Reason at compile time and in the run (default Manual) */
  reason: string;
}

export function parseCliArgs(argv: string[]): CliArgs {
  const usage = `usage: tsx local-runner/cli.ts <pipeline.yml> [--param name=value]… [--var name=value]… [--repo alias=folder]… [--reason ${BUILD_REASONS.join('|')}]`;
  let file: string | undefined;
  const parameters: Record<string, string> = {};
  const variables: Record<string, string> = {};
  const repositories: Record<string, string> = {};
  const bags: Record<string, Record<string, string>> = { '--param': parameters, '--var': variables, '--repo': repositories };
  let reason = 'Manual';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--reason') {
      const value = argv[++i] ?? '';
      const known = BUILD_REASONS.find((r) => r.toLowerCase() === value.toLowerCase());
      if (!known) throw new LocalRunError(`--reason needs one of ${BUILD_REASONS.join(', ')} (got '${value}'); ${usage}`);
      reason = known;
    } else if (a in bags) {
      const pair = argv[++i];
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) throw new LocalRunError(`${a} needs name=value (got '${pair ?? ''}'); ${usage}`);
      bags[a][pair.slice(0, eq)] = a === '--repo' ? path.resolve(pair.slice(eq + 1)) : pair.slice(eq + 1);
    } else if (a.startsWith('--')) {
      throw new LocalRunError(`unknown option '${a}'; ${usage}`);
    } else if (file === undefined) {
      file = a;
    } else {
      throw new LocalRunError(`one pipeline file only (got '${file}' and '${a}'); ${usage}`);
    }
  }
  if (!file) throw new LocalRunError(usage);
  return { file, parameters, variables, repositories, reason };
}

/** Finds the repository root of the pipeline file (its `self`): the nearest folder with .git, else the file's folder. */
function selfRoot(file: string): string {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.dirname(path.resolve(file));
    dir = up;
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (!fs.existsSync(args.file)) throw new LocalRunError(`pipeline file not found: ${args.file}`);
    const root = selfRoot(args.file);
    const pipelineName = path.basename(args.file, path.extname(args.file));
    // the predefined variables templates can read, with the values the run below uses
    const variables = compileTimeVariables({ sourcesDir: root, buildReason: args.reason, definitionName: pipelineName });
    const pipeline = expandPipeline(path.resolve(args.file), {
      selfRoot: root,
      repositories: args.repositories,
      parameters: args.parameters,
      variables,
    });
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-run-'));
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      const result = await runPipeline({
        pipeline,
        sourcesDir: root,
        runDir,
        variables: args.variables,
        pipelineName,
        buildReason: args.reason,
        abortSignal: ac.signal,
      });
      console.log(`run folder: ${runDir}`);
      return isSuccess(result.result) ? 0 : 1;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  } catch (e) {
    if (e instanceof LocalRunError || e instanceof PipelineDefinitionError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
