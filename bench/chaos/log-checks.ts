/**
 * What a chaos run reads from one flow's log (the local runner's output, already through its secret
 * masker, as the agent's log would be): where it failed and how cleanly, and which secrets show.
 */
import { findSecretLeaks } from '../../devkit/task-runner';

export interface FailedStep {
  /** 'ML Build' or 'ML Release' */
  pipeline: string;
  stage: string;
  step: string;
  /** the step's `##[error]` lines, prefix removed */
  errors: string[];
  /** lines of a stack trace (`    at …`) the step printed */
  stackLines: number;
  /** exactly one `##[error]` line and no stack trace (a stack is allowed under System.Debug) */
  clean: boolean;
}

const PIPELINE = /^=== (ML Build|ML Release) /;
const STAGE = /^##\[section\]Stage (\S+)/;
const STARTING = /^##\[section\]Starting: (.*)$/;
const FINISHING = /^##\[section\]Finishing: (.*) \((\w+)\)$/;
const STACK = /^\s{4}at /;

/** Every step of the log that finished Failed, with its error lines (steps run one at a time, so a step's lines are contiguous). */
export function failedSteps(lines: string[]): FailedStep[] {
  const failed: FailedStep[] = [];
  const debug = lines.some((l) => l.startsWith('##[debug]'));
  let pipeline = '';
  let stage = '';
  let start = -1;
  lines.forEach((line, i) => {
    const p = PIPELINE.exec(line);
    if (p) pipeline = p[1]!;
    const s = STAGE.exec(line);
    if (s) stage = s[1]!;
    if (STARTING.test(line)) start = i;
    const f = FINISHING.exec(line);
    if (!f) return;
    if (f[2] === 'Failed') {
      const body = lines.slice(start + 1, i);
      const errors = body.filter((l) => l.startsWith('##[error]')).map((l) => l.slice('##[error]'.length));
      const stackLines = body.filter((l) => STACK.test(l)).length;
      failed.push({ pipeline, stage, step: f[1]!, errors, stackLines, clean: errors.length === 1 && (stackLines === 0 || debug) });
    }
    start = -1;
  });
  return failed;
}

/** JWTs (Entra access tokens, DevOps OIDC and access tokens) and the emulator's AML endpoint tokens, in any form a log could carry them. */
const TOKEN_PATTERNS: Array<[RegExp, string]> = [
  // A JWT is URL- and JSON-safe, so verbatim also covers URL-encoded and JSON-escaped.
  [/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, 'a JWT (access or OIDC token)'],
  // base64 of `{"` + `eyJ…`: a JWT encoded once more (as in a Basic header)
  [/ZXlK[A-Za-z0-9+/]{40,}/, 'a base64-encoded JWT'],
  [/\baml\.[A-Za-z0-9_-]{32}/, 'an AML endpoint token'],
];

/**
 * Secrets found in the log: each known secret verbatim, URL-encoded, JSON-escaped or base64 (the
 * harness's own leak check), and any token issued during the flow by its shape. Returns one masked
 * description per hit (never the secret itself).
 */
export function secretsInLog(lines: string[], secrets: string[]): string[] {
  const hits = findSecretLeaks(
    { stdout: lines.join('\n'), stderr: '', summaries: [] },
    secrets.filter((s) => s.length >= 6),
  ).problems;
  lines.forEach((line, n) => {
    for (const [pattern, what] of TOKEN_PATTERNS) {
      const m = pattern.exec(line);
      if (m) hits.push(`${what} in log line ${n + 1}: ${line.replace(m[0], '***').slice(0, 200)}`);
    }
  });
  return hits;
}
