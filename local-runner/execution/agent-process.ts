/**
 * How the Azure Pipelines agent starts a step's process: the environment it builds (only what a
 * process needs to start, plus agent/pipeline variables as env, `SECRET_*`, `INPUT_*`), the line
 * splitting it reads output with, and its cancellation escalation (SIGINT, 7.5 s, SIGTERM, 2.5 s,
 * kill the process tree). Shared by the local runner and the task-process test harness.
 */
import { spawn } from 'child_process';

/** The agent's waits between cancellation signals (ProcessInvoker). */
const AGENT_SIGINT_TIMEOUT_MS = 7500;
const AGENT_SIGTERM_TIMEOUT_MS = 2500;
/** The agent version tasks see (AGENT_VERSION): new enough for Node20_1 handlers. */
const AGENT_VERSION = '4.260.0';

export type CancelSignal = 'SIGINT' | 'SIGTERM';

/** Pipeline name → environment name, as the agent converts it (`.` and space → `_`, upper-case). */
export function toEnvName(name: string): string {
  return name.replace(/[. ]/g, '_').toUpperCase();
}

/** The only parts of our own environment a child process gets (never the caller's secrets). */
const BASE_ENV_KEYS = ['PATH', 'HOME', 'SYSTEMROOT', 'SystemRoot', 'WINDIR', 'TEMP', 'TMP', 'USERPROFILE', 'LANG'];

function baseProcessEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of BASE_ENV_KEYS) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

interface TaskEnvOptions {
  /** by input name (as in task.json); becomes INPUT_<NAME> */
  inputs: Record<string, string>;
  /** raw environment added as-is, last (ENDPOINT_* of a service connection, a step's `env:`) */
  env?: Record<string, string>;
  /** public variables by pipeline name ('System.Debug') → env SYSTEM_DEBUG */
  variables?: Record<string, string>;
  /** secret variables by pipeline name → env SECRET_<NAME> */
  secretVariables?: Record<string, string>;
}

export interface AgentDirs {
  temp: string;
  work: string;
  defaultWorkingDirectory: string;
}

/** The environment the agent gives a task process. */
export function buildTaskEnv(options: TaskEnvOptions, dirs: AgentDirs): Record<string, string> {
  const env = baseProcessEnv();
  Object.assign(env, {
    AGENT_TEMPDIRECTORY: dirs.temp,
    AGENT_WORKFOLDER: dirs.work,
    SYSTEM_DEFAULTWORKINGDIRECTORY: dirs.defaultWorkingDirectory,
    AGENT_VERSION,
    SYSTEM_CULTURE: 'en-US',
  });
  for (const [k, v] of Object.entries(options.variables ?? {})) env[toEnvName(k)] = v;
  for (const [k, v] of Object.entries(options.secretVariables ?? {})) env[`SECRET_${toEnvName(k)}`] = v;
  for (const [k, v] of Object.entries(options.inputs)) env[`INPUT_${toEnvName(k)}`] = v;
  Object.assign(env, options.env ?? {});
  return env;
}

/** Line splitter (CR, LF, CRLF, like .NET ReadLine) that keeps a partial line until more data or the end arrives. */
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

export interface SignalSent {
  signal: CancelSignal | 'SIGKILL';
  afterFirstSignalMs: number;
}

interface RunProcessOptions {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** every output line (stdout and stderr), as it arrives */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** raw stdout chunks (the harness matches patterns across line boundaries) */
  onStdout?: (chunk: string) => void;
  /** aborting starts the agent's escalation with `firstSignal` */
  abortSignal?: AbortSignal;
  firstSignal?: CancelSignal;
  escalationMs?: { sigintToSigterm?: number; sigtermToKill?: number };
  /** hard limit: the process group is killed and `timedOut` reported */
  timeoutMs?: number;
}

interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
  startedAt: number;
  exitedAt: number;
  timedOut: boolean;
  /** signals sent on abort, in order; empty when not aborted */
  sent: SignalSent[];
  firstSignalAt?: number;
}

/** Start a process the way the agent does and wait until it ends and its output is drained. */
export async function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  const sigintToSigterm = options.escalationMs?.sigintToSigterm ?? AGENT_SIGINT_TIMEOUT_MS;
  const sigtermToKill = options.escalationMs?.sigtermToKill ?? AGENT_SIGTERM_TIMEOUT_MS;
  const startedAt = Date.now();
  const child = spawn(options.file, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // own process group so the final kill takes the whole tree, as the agent does
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  const pid = child.pid;
  if (pid === undefined) {
    // spawn reports ENOENT and friends asynchronously through 'error'
    const err = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`could not start ${options.file}: ${err.message}`);
  }

  let stdout = '';
  let stderr = '';
  const outCollector = new LineCollector((l) => options.onLine?.(l, 'stdout'));
  const errCollector = new LineCollector((l) => options.onLine?.(l, 'stderr'));
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    outCollector.push(chunk);
    options.onStdout?.(chunk);
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    errCollector.push(chunk);
  });

  const timers: NodeJS.Timeout[] = [];
  let exited = false;
  let firstSignalAt: number | undefined;
  const sent: SignalSent[] = [];
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
    if (firstSignalAt !== undefined || exited) return;
    if ((options.firstSignal ?? 'SIGINT') === 'SIGINT') {
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
  if (options.abortSignal) {
    if (options.abortSignal.aborted) setImmediate(startCancellation);
    else options.abortSignal.addEventListener('abort', startCancellation, { once: true });
  }

  let timedOut = false;
  let exitedAt: number | undefined;
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          killTree('SIGKILL');
        }, options.timeoutMs),
      );
    }
    child.on('error', reject);
    // 'close' waits for stdio to drain, so no output is lost
    child.on('close', (code, signal) => resolve({ code, signal }));
    child.on('exit', () => {
      exited = true;
      exitedAt = Date.now();
      // a leftover grandchild holding our pipes open must not hang us
      timers.push(setTimeout(() => killTree('SIGKILL'), 2000));
    });
  });
  exited = true;
  options.abortSignal?.removeEventListener('abort', startCancellation);
  for (const t of timers) clearTimeout(t);
  outCollector.end();
  errCollector.end();
  // a process may leave children behind in its group; the agent kills the tree too
  killTree('SIGKILL');
  return {
    exitCode: exit.code,
    signal: exit.signal,
    stdout,
    stderr,
    pid,
    startedAt,
    exitedAt: exitedAt ?? Date.now(),
    timedOut,
    sent,
    firstSignalAt,
  };
}
