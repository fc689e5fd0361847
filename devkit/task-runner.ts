/**
 * Runs a bundled task the way the Azure Pipelines agent does: `node <bundle>` with a minimal,
 * agent-like environment (INPUT_*, public variables as env, SECRET_* for secret variables,
 * AGENT_TEMPDIRECTORY …), reading `##vso[...]` commands from stdout and stderr, and — when asked —
 * cancelling it with the agent's signal escalation (SIGINT, 7.5 s, SIGTERM, 2.5 s, kill).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { extractCommands, parseVsoLine, splitAgentLines, type ExtractedCommands, type VsoCommand } from '../local-runner/execution/vso';
import {
  buildTaskEnv as buildAgentTaskEnv,
  runProcess,
  toEnvName,
  type CancelSignal,
  type SignalSent,
} from '../local-runner/execution/agent-process';
import {
  artifactUploadRefusal,
  BUILD_ONLY_VARIABLES,
  expandWith,
  filePathRoot,
  prepareTaskInputs,
  releaseJobVariables,
  type AgentInputDef,
} from '../local-runner/execution/agent-inputs';

const REPO_ROOT = path.resolve(__dirname, '..');
const BUNDLE_ROOT = path.join(REPO_ROOT, 'build', 'extension', 'tasks');

// The process contract itself (env, line splitting, signal escalation) lives in local-runner/execution/agent-process.ts.

export interface RunTaskOptions {
  /** task folder name, e.g. `AzureMLWaitForRun` → build/extension/tasks/AzureMLWaitForRun/index.js */
  task: string;
  /** by input name (as in task.json); becomes INPUT_<NAME> */
  inputs: Record<string, string>;
  /** raw environment added as-is (e.g. the ENDPOINT_* block of a service connection, NODE_EXTRA_CA_CERTS) */
  env?: Record<string, string>;
  /** public variables by pipeline name ('System.Debug') → env SYSTEM_DEBUG */
  variables?: Record<string, string>;
  /** secret variables by pipeline name → env SECRET_<NAME> */
  secretVariables?: Record<string, string>;
  /** cancel the task like the agent does, once `afterMs` passed or stdout matches (whichever first; immediately if neither) */
  signal?: { name: CancelSignal; afterMs?: number; whenStdoutMatches?: RegExp };
  /** hard limit: SIGKILL the process group and reject (default 60 s) */
  timeoutMs?: number;
  /** run this file instead of the bundle (harness self-tests only) */
  entry?: string;
  /** override the agent's escalation waits (harness self-tests only) */
  escalationMs?: { sigintToSigterm?: number; sigtermToKill?: number };
  /**
   * The folder the test names as the repository: System.DefaultWorkingDirectory and
   * Build.SourcesDirectory, where filePath inputs are rooted and the task starts (default: a fresh
   * empty folder). In a classic release it is the release's artifacts directory instead.
   */
  repo?: string;
  /**
   * Run as a classic release job: System.HostType release, the Release.* variables, no
   * Pipeline.Workspace or Build.SourcesDirectory, filePath inputs rooted in the artifacts directory
   * (`repo`), and `artifact.upload` refused so the step ends Failed, as the agent does.
   */
  classicRelease?: boolean | { releaseId?: number; releaseName?: string; definitionName?: string; environmentName?: string };
}

interface SignalReport {
  /** signals sent, in order, with the time since the first one */
  sent: SignalSent[];
  /** the last signal sent before the process exited: the one that made it end */
  lastSignal: CancelSignal | 'SIGKILL';
  /** 'exit' when the task exited by itself (handled the signal); else the signal that killed it */
  endedBy: 'exit' | NodeJS.Signals;
  /** how long after the first signal the process exited */
  exitedAfterMs: number;
  /** ms since start when the first signal was sent */
  firstSignalAtMs: number;
}

/** What the agent takes from the task's logging commands (result, outputs, variables, secrets, summaries, artifacts, tags, issues, progress), plus the process. */
export interface TaskRunResult extends Omit<ExtractedCommands, 'completes' | 'rejected'> {
  exitCode: number | null;
  /** the signal that terminated the process, if it died of one */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  pid: number;
  /** lines the agent would log (non-command lines of stdout then stderr) */
  lines: string[];
  /** every parsed ##vso command, in arrival order (stdout and stderr) */
  commands: VsoCommand[];
  /** contents of the task.uploadsummary files (read right after exit) */
  summaries: string[];
  /** logging commands the agent refused in this job (artifact.upload in a release), each failing the step */
  refused: string[];
  /** present when `signal` was requested and sent */
  cancellation?: SignalReport;
  /** = cancellation.exitedAfterMs: how long after the first signal the process exited */
  signalToExitMs?: number;
  /** = cancellation.endedBy: 'exit' (the task exited by itself after the signal) or the signal that killed it */
  endedBy?: 'exit' | NodeJS.Signals;
  /** the folders the task ran with (kept until the test process exits) */
  dirs: { temp: string; work: string; defaultWorkingDirectory: string; cwd: string };
  /** the exact environment the task got */
  env: Record<string, string>;
}

export { toEnvName };

function bundlePath(task: string): string {
  return path.join(BUNDLE_ROOT, task, 'index.js');
}

/** The inputs the task.json beside the task's entry declares (the agent fills them all); none for a fixture without one. */
function taskInputDefs(entry: string): AgentInputDef[] {
  const file = path.join(path.dirname(entry), 'task.json');
  if (!fs.existsSync(file)) return [];
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { inputs?: AgentInputDef[] };
  return json.inputs ?? [];
}

/** The job's variables as the agent sets them for a build or a classic release job, then the test's own. */
function jobVariables(options: RunTaskOptions, dirs: { temp: string; work: string; repo: string }): Record<string, string> {
  const buildDirectory = path.join(dirs.work, '1');
  const base: Record<string, string> = {
    'System.HostType': 'build',
    'System.DefaultWorkingDirectory': dirs.repo,
    'Build.SourcesDirectory': dirs.repo,
    'Build.Repository.LocalPath': dirs.repo,
    'Pipeline.Workspace': buildDirectory,
    'Agent.BuildDirectory': buildDirectory,
    'System.ArtifactsDirectory': path.join(buildDirectory, 'a'),
    'Agent.TempDirectory': dirs.temp,
  };
  if (options.classicRelease) {
    for (const k of BUILD_ONLY_VARIABLES) delete base[k];
    const id = typeof options.classicRelease === 'object' ? options.classicRelease : {};
    Object.assign(base, releaseJobVariables({ ...id, artifactsDirectory: dirs.repo }));
  }
  return { ...base, ...(options.variables ?? {}) };
}

const createdDirs: string[] = [];
let cleanupRegistered = false;
function makeTempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  createdDirs.push(d);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.on('exit', () => {
      for (const dir of createdDirs) {
        try {
          fs.rmSync(dir, { recursive: true, force: true });
        } catch {
          /* best effort */
        }
      }
    });
  }
  return d;
}

/** Build the agent-like environment; exported so tests can inspect it. */
export function buildTaskEnv(
  options: Pick<RunTaskOptions, 'inputs' | 'env' | 'variables' | 'secretVariables'>,
  dirs: { temp: string; work: string; defaultWorkingDirectory: string },
): Record<string, string> {
  return buildAgentTaskEnv(options, dirs);
}

export async function runTask(options: RunTaskOptions): Promise<TaskRunResult> {
  const entry = options.entry ?? bundlePath(options.task);
  if (!fs.existsSync(entry)) {
    throw new Error(
      `task bundle not found: ${path.relative(REPO_ROOT, entry)} — run npm run build first (it bundles tasks/${options.task} into build/extension/tasks/${options.task}/index.js)`,
    );
  }
  const temp = makeTempDir('agent-temp-');
  const work = makeTempDir('agent-work-');
  const repo = options.repo ? path.resolve(options.repo) : path.join(work, '1', options.classicRelease ? 'a' : 's');
  fs.mkdirSync(repo, { recursive: true });
  const variables = jobVariables(options, { temp, work, repo });
  const variable = (name: string) => Object.entries(variables).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  // the task's inputs as the agent prepares them: every task.json default, trimmed, macros expanded, filePath rooted
  const inputs = prepareTaskInputs(taskInputDefs(entry), options.inputs, {
    expand: expandWith({ ...variables, ...(options.secretVariables ?? {}) }),
    root: filePathRoot(variable),
  });
  // the agent starts the task in System.DefaultWorkingDirectory
  const defaultWorkingDirectory = variable('System.DefaultWorkingDirectory')!;
  const cwd = defaultWorkingDirectory;
  const env = buildTaskEnv({ ...options, inputs, variables }, { temp, work, defaultWorkingDirectory });
  const timeoutMs = options.timeoutMs ?? 60_000;

  const commands: VsoCommand[] = [];
  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  // the cancellation trigger (a delay or a stdout pattern) aborts; runProcess escalates like the agent
  const abort = new AbortController();
  const trigger: NodeJS.Timeout[] = [];
  let seen = '';
  if (options.signal) {
    const { afterMs, whenStdoutMatches } = options.signal;
    if (afterMs !== undefined) trigger.push(setTimeout(() => abort.abort(), afterMs));
    else if (!whenStdoutMatches) setImmediate(() => abort.abort());
  }
  const re = options.signal?.whenStdoutMatches;
  const outcome = await runProcess({
    file: process.execPath,
    args: [entry],
    cwd,
    env,
    abortSignal: options.signal ? abort.signal : undefined,
    firstSignal: options.signal?.name,
    escalationMs: options.escalationMs,
    timeoutMs,
    onLine: (line, stream) => {
      const cmd = parseVsoLine(line);
      if (cmd) commands.push(cmd);
      else (stream === 'stdout' ? stdoutLines : stderrLines).push(line);
    },
    onStdout: (chunk) => {
      seen += chunk;
      if (re && !abort.signal.aborted && new RegExp(re.source, re.flags.replace('g', '')).test(seen)) abort.abort();
    },
  });
  for (const t of trigger) clearTimeout(t);
  const { stdout, stderr, pid } = outcome;

  if (outcome.timedOut) {
    const tail = (s: string) => s.split('\n').slice(-20).join('\n');
    throw new Error(
      `task ${options.task} did not finish within ${timeoutMs} ms and was killed.\n--- stdout (tail) ---\n${tail(stdout)}\n--- stderr (tail) ---\n${tail(stderr)}`,
    );
  }

  const x = extractCommands(commands);
  if (x.rejected.length > 0) {
    throw new Error(`task ${options.task} wrote logging commands the agent would reject: ${x.rejected.join('; ')}`);
  }
  // the agent refuses artifact.upload outside build jobs and fails the step, whatever the task reported
  const refusal = x.artifacts.length > 0 ? artifactUploadRefusal(variable('System.HostType')) : undefined;
  const refused = refusal ? x.artifacts.map(() => refusal) : [];
  if (refusal) {
    x.result = { result: 'Failed', message: refusal };
    x.artifacts = [];
  }
  const { completes: _completes, rejected: _rejected, ...taken } = x;
  const summaries = x.summaryFiles.map((f) => {
    const p = path.isAbsolute(f) ? f : path.join(cwd, f);
    try {
      return fs.readFileSync(p, 'utf8');
    } catch (e) {
      throw new Error(`task ${options.task} uploaded summary '${f}' but the file cannot be read: ${(e as Error).message}`);
    }
  });

  let cancellation: SignalReport | undefined;
  if (outcome.firstSignalAt !== undefined) {
    const last = outcome.sent[outcome.sent.length - 1];
    cancellation = {
      sent: outcome.sent,
      lastSignal: last ? last.signal : 'SIGKILL',
      endedBy: outcome.signal ?? 'exit',
      exitedAfterMs: outcome.exitedAt - outcome.firstSignalAt,
      firstSignalAtMs: outcome.firstSignalAt - outcome.startedAt,
    };
  }

  return {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    stdout,
    stderr,
    durationMs: outcome.exitedAt - outcome.startedAt,
    pid,
    lines: [...stdoutLines, ...stderrLines],
    commands,
    ...taken,
    summaries,
    refused,
    cancellation,
    signalToExitMs: cancellation?.exitedAfterMs,
    endedBy: cancellation?.endedBy,
    dirs: { temp, work, defaultWorkingDirectory, cwd },
    env,
  };
}

// ---------------------------------------------------------------------------------------------
// Secret leak check

/**
 * Base64 fragments that appear whenever `secret` is base64-encoded inside a larger buffer, for
 * each of the three byte alignments (only the characters fully determined by the secret's bytes).
 */
export function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out = new Set<string>();
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const first = Math.ceil((8 * k) / 6);
    const last = Math.floor((8 * (k + bytes.length)) / 6); // exclusive
    const frag = enc.substring(first, last);
    if (frag.length >= 4) out.add(frag);
    // the url-safe alphabet too
    const url = frag.replace(/\+/g, '-').replace(/\//g, '_');
    if (url.length >= 4) out.add(url);
  }
  return [...out];
}

function leakForms(secret: string): Array<{ form: string; how: string }> {
  const forms: Array<{ form: string; how: string }> = [{ form: secret, how: 'verbatim' }];
  const add = (form: string, how: string) => {
    if (form && !forms.some((f) => f.form === form)) forms.push({ form, how });
  };
  add(encodeURIComponent(secret), 'URL-encoded');
  add(encodeURIComponent(secret).replace(/%20/g, '+'), 'form-encoded');
  add(JSON.stringify(secret).slice(1, -1), 'JSON-escaped');
  for (const f of base64Fragments(secret)) add(f, 'base64');
  // task-lib's escaping of '%' in a logging command's data; the agent unescapes it into the secret.
  for (const { form, how } of [...forms]) if (form.includes('%')) add(form.replace(/%/g, '%AZP25'), `${how}, task-lib-escaped`);
  return forms;
}

/** Is this line a command whose payload the agent registers as a secret (so never logs)? */
function isSecretRegistration(line: string): boolean {
  const c = parseVsoLine(line);
  if (!c) return false;
  if (c.name === 'task.setsecret') return true;
  return c.name === 'task.setvariable' && /^(true|1|\$true)$/i.test((c.properties['issecret'] ?? '').trim());
}

function isTaskDebug(line: string): boolean {
  return parseVsoLine(line)?.name === 'task.debug';
}

interface SecretLeakOptions {
  /**
   * Accept secrets inside `##vso[task.debug]` lines. task-lib's own accessors print the values
   * they return there (`getInput`: `name=value`; `getEndpointAuthorizationParameter`:
   * `id auth param key = value`); a real agent masks endpoint auth parameters and secret
   * variables it was given, but not values only our code knows. Default false (strict).
   */
  allowTaskLibDebug?: boolean;
}

/**
 * Fails if any secret value — verbatim, URL/form-encoded, JSON-escaped or base64 (any alignment,
 * standard or URL alphabet) — appears in stdout, stderr or an uploaded summary, other than in the
 * `##vso[task.setsecret]` / `setvariable issecret=true` lines that register it. task-lib masks
 * nothing itself (the agent does), so our code must never print a secret, not even after
 * registering it. The message names the secret by position, never the value.
 */
export function assertNoSecretLeak(
  result: Pick<TaskRunResult, 'stdout' | 'stderr' | 'summaries'>,
  secrets: string[],
  options: SecretLeakOptions = {},
): void {
  const { problems, debugHits } = findSecretLeaks(result, secrets, options);
  if (problems.length > 0) {
    const hint =
      debugHits > 0
        ? '\n  hint: task-lib prints values in task.debug lines (getInput "name=value", getEndpointAuthorizationParameter "id auth param key = value"); ' +
          'read secrets with tl.getEndpointAuthorization(id, true)?.parameters (prints nothing), or pass { allowTaskLibDebug: true } if relying on the agent masking them'
        : '';
    throw new Error(`secret leak check failed:\n  ${problems.join('\n  ')}${hint}`);
  }
}

/** The leak check's findings without throwing: one masked line per hit (never the secret), for reports such as the chaos bench. */
export function findSecretLeaks(
  result: Pick<TaskRunResult, 'stdout' | 'stderr' | 'summaries'>,
  secrets: string[],
  options: SecretLeakOptions = {},
): { problems: string[]; debugHits: number } {
  const problems: string[] = [];
  const sources: Array<{ name: string; text: string; isLog: boolean }> = [
    { name: 'stdout', text: result.stdout, isLog: true },
    { name: 'stderr', text: result.stderr, isLog: true },
    ...result.summaries.map((text, i) => ({ name: `summary #${i + 1}`, text, isLog: false })),
  ];
  const allForms = secrets.flatMap((s) => (s ? leakForms(s) : []));
  const mask = (line: string) => {
    let m = line;
    for (const { form } of [...allForms].sort((a, b) => b.form.length - a.form.length)) m = m.split(form).join('***');
    return m.length > 300 ? `${m.slice(0, 300)}…` : m;
  };
  let debugHits = 0;
  secrets.forEach((secret, i) => {
    if (!secret) {
      problems.push(`secret #${i + 1} of ${secrets.length} is empty: pass the real values`);
      return;
    }
    const forms = leakForms(secret);
    for (const src of sources) {
      splitAgentLines(src.text).forEach((line, n) => {
        if (src.isLog && isSecretRegistration(line)) return;
        const hit = forms.find((f) => line.includes(f.form));
        if (!hit) return;
        const debug = src.isLog && isTaskDebug(line);
        if (debug && options.allowTaskLibDebug) return;
        if (debug) debugHits++;
        problems.push(
          `secret #${i + 1} of ${secrets.length} leaked (${hit.how}) in ${src.name} line ${n + 1}${debug ? ' (a ##vso[task.debug] line)' : ''}: ${mask(line)}`,
        );
      });
    }
  });
  return { problems, debugHits };
}
