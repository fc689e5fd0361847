/**
 * Runs a bundled task the way the Azure Pipelines agent does: `node <bundle>` with a minimal,
 * agent-like environment (INPUT_*, public variables as env, SECRET_* for secret variables,
 * AGENT_TEMPDIRECTORY …), reading `##vso[...]` commands from stdout and stderr, and — when asked —
 * cancelling it with the agent's signal escalation (SIGINT, 7.5 s, SIGTERM, 2.5 s, kill).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { extractCommands, parseVsoLine, splitAgentLines, type ArtifactUpload, type Issue, type Progress, type SetVariable, type TaskComplete, type VsoCommand } from './vso';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLE_ROOT = path.join(REPO_ROOT, 'build', 'extension', 'tasks');

/** The agent's waits between cancellation signals (ProcessInvoker). */
export const AGENT_SIGINT_TIMEOUT_MS = 7500;
export const AGENT_SIGTERM_TIMEOUT_MS = 2500;

export type CancelSignal = 'SIGINT' | 'SIGTERM';

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
}

export interface SignalReport {
  /** signals sent, in order, with the time since the first one */
  sent: Array<{ signal: CancelSignal | 'SIGKILL'; afterFirstSignalMs: number }>;
  /** the last signal sent before the process exited: the one that made it end */
  lastSignal: CancelSignal | 'SIGKILL';
  /** 'exit' when the task exited by itself (handled the signal); else the signal that killed it */
  endedBy: 'exit' | NodeJS.Signals;
  /** how long after the first signal the process exited */
  exitedAfterMs: number;
  /** ms since start when the first signal was sent */
  firstSignalAtMs: number;
}

export interface TaskRunResult {
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
  /** the result the agent keeps (worst of all task.complete), if any */
  result?: TaskComplete;
  outputs: Record<string, string>;
  variables: Record<string, SetVariable>;
  secrets: string[];
  /** contents of the task.uploadsummary files (read right after exit) */
  summaries: string[];
  summaryFiles: string[];
  artifacts: ArtifactUpload[];
  buildTags: string[];
  issues: Issue[];
  progress: Progress[];
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

/** Pipeline name → environment name, as the agent converts it (`.` and space → `_`, upper-case). */
export function toEnvName(name: string): string {
  return name.replace(/[. ]/g, '_').toUpperCase();
}

export function bundlePath(task: string): string {
  return path.join(BUNDLE_ROOT, task, 'index.js');
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
  const env: Record<string, string> = {};
  // Keep only what a process needs to start; never the test process's own env.
  for (const k of ['PATH', 'HOME', 'SYSTEMROOT', 'SystemRoot', 'WINDIR', 'TEMP', 'TMP', 'USERPROFILE', 'LANG']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  Object.assign(env, {
    AGENT_TEMPDIRECTORY: dirs.temp,
    AGENT_WORKFOLDER: dirs.work,
    SYSTEM_DEFAULTWORKINGDIRECTORY: dirs.defaultWorkingDirectory,
    AGENT_VERSION: '4.260.0',
    SYSTEM_CULTURE: 'en-US',
  });
  for (const [k, v] of Object.entries(options.variables ?? {})) env[toEnvName(k)] = v;
  for (const [k, v] of Object.entries(options.secretVariables ?? {})) env[`SECRET_${toEnvName(k)}`] = v;
  for (const [k, v] of Object.entries(options.inputs)) env[`INPUT_${toEnvName(k)}`] = v;
  Object.assign(env, options.env ?? {});
  return env;
}

/** Line splitter (CR, LF, CRLF) that keeps a partial line until more data or the end arrives. */
class LineCollector {
  private rest = '';
  private pendingCR = false;
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    let text = this.rest + chunk;
    if (this.pendingCR) {
      // the CR ending the previous chunk was the first half of a CRLF
      if (text.startsWith('\n')) text = text.slice(1);
      this.pendingCR = false;
    }
    const re = /\r\n|\r|\n/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      this.onLine(text.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[0] === '\r' && last === text.length) this.pendingCR = true;
    }
    this.rest = text.slice(last);
  }
  end(): void {
    if (this.rest.length > 0) this.onLine(this.rest);
    this.rest = '';
  }
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
  const defaultWorkingDirectory = path.join(work, '1', 's');
  fs.mkdirSync(defaultWorkingDirectory, { recursive: true });
  const cwd = makeTempDir('task-cwd-');
  const env = buildTaskEnv(options, { temp, work, defaultWorkingDirectory });
  const timeoutMs = options.timeoutMs ?? 60_000;
  const sigintToSigterm = options.escalationMs?.sigintToSigterm ?? AGENT_SIGINT_TIMEOUT_MS;
  const sigtermToKill = options.escalationMs?.sigtermToKill ?? AGENT_SIGTERM_TIMEOUT_MS;

  const started = Date.now();
  const child = spawn(process.execPath, [entry], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // own process group so the final kill takes the whole tree, as the agent does
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${process.execPath} ${entry}`);

  let stdout = '';
  let stderr = '';
  const commands: VsoCommand[] = [];
  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  const onLine = (sink: string[]) => (line: string) => {
    const cmd = parseVsoLine(line);
    if (cmd) commands.push(cmd);
    else sink.push(line);
  };
  const outCollector = new LineCollector(onLine(stdoutLines));
  const errCollector = new LineCollector(onLine(stderrLines));
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');

  const timers: NodeJS.Timeout[] = [];
  let exited = false;
  let firstSignalAt: number | undefined;
  const sent: SignalReport['sent'] = [];

  const killTree = (sig: NodeJS.Signals) => {
    try {
      if (process.platform !== 'win32') process.kill(-pid, sig);
      else child.kill(sig);
    } catch {
      /* already gone */
    }
  };
  const send = (sig: CancelSignal | 'SIGKILL') => {
    if (exited) return;
    const now = Date.now();
    if (firstSignalAt === undefined) firstSignalAt = now;
    sent.push({ signal: sig, afterFirstSignalMs: now - firstSignalAt });
    if (sig === 'SIGKILL') killTree('SIGKILL');
    else {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  const startCancellation = () => {
    if (firstSignalAt !== undefined || exited || !options.signal) return;
    if (options.signal.name === 'SIGINT') {
      send('SIGINT');
      timers.push(
        setTimeout(() => {
          send('SIGTERM');
          timers.push(setTimeout(() => send('SIGKILL'), sigtermToKill));
        }, sigintToSigterm),
      );
    } else {
      send('SIGTERM');
      timers.push(setTimeout(() => send('SIGKILL'), sigtermToKill));
    }
  };

  if (options.signal) {
    const { afterMs, whenStdoutMatches } = options.signal;
    if (afterMs !== undefined) timers.push(setTimeout(startCancellation, afterMs));
    else if (!whenStdoutMatches) setImmediate(startCancellation);
  }

  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    outCollector.push(chunk);
    const re = options.signal?.whenStdoutMatches;
    if (re && firstSignalAt === undefined && new RegExp(re.source, re.flags.replace('g', '')).test(stdout)) {
      startCancellation();
    }
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    errCollector.push(chunk);
  });

  let timedOut = false;
  let exitedAt: number | undefined;
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        killTree('SIGKILL');
      }, timeoutMs),
    );
    child.on('error', reject);
    // 'close' waits for stdio to drain, so no output is lost
    child.on('close', (code, signal) => resolve({ code, signal }));
    child.on('exit', () => {
      exited = true;
      exitedAt = Date.now();
      // a leftover grandchild holding our pipes open must not hang the test
      timers.push(setTimeout(() => killTree('SIGKILL'), 2000));
    });
  });
  const ended = exitedAt ?? Date.now();
  exited = true;
  for (const t of timers) clearTimeout(t);
  outCollector.end();
  errCollector.end();
  // a task may leave children behind in its group; the agent kills the tree too
  killTree('SIGKILL');

  if (timedOut) {
    const tail = (s: string) => s.split('\n').slice(-20).join('\n');
    throw new Error(
      `task ${options.task} did not finish within ${timeoutMs} ms and was killed.\n--- stdout (tail) ---\n${tail(stdout)}\n--- stderr (tail) ---\n${tail(stderr)}`,
    );
  }

  const x = extractCommands(commands);
  if (x.rejected.length > 0) {
    throw new Error(`task ${options.task} wrote logging commands the agent would reject: ${x.rejected.join('; ')}`);
  }
  const summaries = x.summaryFiles.map((f) => {
    const p = path.isAbsolute(f) ? f : path.join(cwd, f);
    try {
      return fs.readFileSync(p, 'utf8');
    } catch (e) {
      throw new Error(`task ${options.task} uploaded summary '${f}' but the file cannot be read: ${(e as Error).message}`);
    }
  });

  let cancellation: SignalReport | undefined;
  if (firstSignalAt !== undefined) {
    const last = sent[sent.length - 1];
    cancellation = {
      sent,
      lastSignal: last ? last.signal : 'SIGKILL',
      endedBy: exit.signal ?? 'exit',
      exitedAfterMs: ended - firstSignalAt,
      firstSignalAtMs: firstSignalAt - started,
    };
  }

  return {
    exitCode: exit.code,
    signal: exit.signal,
    stdout,
    stderr,
    durationMs: ended - started,
    pid,
    lines: [...stdoutLines, ...stderrLines],
    commands,
    result: x.result,
    outputs: x.outputs,
    variables: x.variables,
    secrets: x.secrets,
    summaries,
    summaryFiles: x.summaryFiles,
    artifacts: x.artifacts,
    buildTags: x.buildTags,
    issues: x.issues,
    progress: x.progress,
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

export interface SecretLeakOptions {
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
  if (problems.length > 0) {
    const hint =
      debugHits > 0
        ? '\n  hint: task-lib prints values in task.debug lines (getInput "name=value", getEndpointAuthorizationParameter "id auth param key = value"); ' +
          'read secrets with tl.getEndpointAuthorization(id, true)?.parameters (prints nothing), or pass { allowTaskLibDebug: true } if relying on the agent masking them'
        : '';
    throw new Error(`secret leak check failed:\n  ${problems.join('\n  ')}${hint}`);
  }
}
