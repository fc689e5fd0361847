/**
 * Parser for Azure Pipelines logging commands (`##vso[area.event k=v;k=v]data`), reading them
 * exactly as the agent does (azure-pipelines-agent `Command.TryParse` + `CommandStringConvertor`):
 *
 * - the prefix `##vso[` is found anywhere in the line (not only at its start);
 * - the command info ends at the FIRST `]` after the prefix; everything after it is the data;
 * - the name before the first space must be exactly `area.event` (empty parts removed);
 * - properties are split on `;` (empty entries dropped), each at its first `=`; a pair without a
 *   non-empty key and value is ignored; names are case-insensitive (stored lower-cased here);
 * - values and data are unescaped in the agent's order: `%3B`→`;`, `%0D`→CR, `%0A`→LF,
 *   `%5D`→`]`, then `%AZP25`→`%` (so `%AZP253B` decodes once, to `%3B`).
 *
 * The agent reads stdout AND stderr and splits lines on CR, LF or CRLF (.NET `ReadLine`); a line
 * it parses as a command is not written to the log.
 */

export interface VsoCommand {
  /** `task`, `artifact`, `build`, … (as written) */
  area: string;
  /** `complete`, `setvariable`, … (as written) */
  event: string;
  /** `area.event` lower-cased, e.g. `task.setvariable` */
  name: string;
  /** property names lower-cased (the agent compares them case-insensitively) */
  properties: Record<string, string>;
  data: string;
  /** the raw line the command came from */
  line: string;
}

const PREFIX = '##vso[';

/** Escape table in the agent's unescape order (`%AZP25` last). */
const UNESCAPES: Array<[string, string]> = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%AZP25', '%'],
];

export function unescapeVso(s: string): string {
  let out = s;
  for (const [from, to] of UNESCAPES) out = out.split(from).join(to);
  return out;
}

/** The inverse (what task-lib writes for property values): `%` first. */
export function escapeVsoProperty(s: string): string {
  return s.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/]/g, '%5D').replace(/;/g, '%3B');
}

/** What task-lib writes for the data (message) part. */
export function escapeVsoData(s: string): string {
  return s.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Parse one line; `undefined` when the agent would not treat it as a command. */
export function parseVsoLine(line: string): VsoCommand | undefined {
  if (!line) return undefined;
  const prefixIndex = line.indexOf(PREFIX);
  if (prefixIndex < 0) return undefined;
  const rb = line.indexOf(']', prefixIndex);
  if (rb < 0) return undefined;
  const cmdInfo = line.substring(prefixIndex + PREFIX.length, rb);
  const space = cmdInfo.indexOf(' ');
  const commandName = space < 0 ? cmdInfo : cmdInfo.substring(0, space);
  const areaEvent = commandName.split('.').filter((p) => p.length > 0);
  if (areaEvent.length !== 2) return undefined;
  const [area, event] = areaEvent as [string, string];
  const properties: Record<string, string> = {};
  if (space > 0) {
    const propertiesStr = cmdInfo.substring(space + 1);
    for (const propertyStr of propertiesStr.split(';')) {
      if (propertyStr.length === 0) continue;
      const eq = propertyStr.indexOf('=');
      // .NET Split('=', 2, RemoveEmptyEntries): needs a non-empty key and a non-empty rest
      if (eq <= 0 || eq === propertyStr.length - 1) continue;
      properties[propertyStr.substring(0, eq).toLowerCase()] = unescapeVso(propertyStr.substring(eq + 1));
    }
  }
  return {
    area,
    event,
    name: `${area}.${event}`.toLowerCase(),
    properties,
    data: unescapeVso(line.substring(rb + 1)),
    line,
  };
}

/** Split output into lines the way .NET `StreamReader.ReadLine` does (CR, LF, CRLF). */
export function splitAgentLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|\r|\n/);
  // a trailing terminator does not start another line
  if (/[\r\n]$/.test(text)) lines.pop();
  return lines;
}

interface ParsedOutput {
  commands: VsoCommand[];
  /** lines the agent would write to the log (non-command lines) */
  lines: string[];
}

export function parseVsoOutput(text: string): ParsedOutput {
  const commands: VsoCommand[] = [];
  const lines: string[] = [];
  for (const line of splitAgentLines(text)) {
    const cmd = parseVsoLine(line);
    if (cmd) commands.push(cmd);
    else lines.push(line);
  }
  return { commands, lines };
}

// ---------------------------------------------------------------------------------------------
// Typed extraction

/**
 * The agent's task result names: its TaskResult enum, parsed case-insensitively with
 * Enum.TryParse. task-lib's `TaskResult.Cancelled` writes `Cancelled`, which is NOT one of them:
 * the agent rejects that command ("Unable to process command"), so tasks must write `Canceled`.
 */
type TaskResultName = 'Succeeded' | 'SucceededWithIssues' | 'Failed' | 'Canceled' | 'Skipped' | string;

const AGENT_TASK_RESULTS = ['Succeeded', 'SucceededWithIssues', 'Failed', 'Canceled', 'Skipped', 'Abandoned'];

function isAgentTaskResult(name: string): boolean {
  return AGENT_TASK_RESULTS.some((r) => r.toLowerCase() === name.toLowerCase());
}

interface TaskComplete {
  result: TaskResultName;
  message: string;
}

interface SetVariable {
  name: string;
  value: string;
  isOutput: boolean;
  isSecret: boolean;
  isReadOnly: boolean;
}

interface ArtifactUpload {
  artifactName: string | undefined;
  containerFolder: string | undefined;
  /** the local path (the command's data) */
  path: string;
  properties: Record<string, string>;
}

interface Issue {
  type: 'error' | 'warning' | string;
  message: string;
  properties: Record<string, string>;
}

interface Progress {
  value: number;
  message: string;
}

/** The agent's boolean parsing (`StringUtil.ConvertToBoolean`): true, 1, $true. */
export function vsoBool(v: string | undefined): boolean {
  if (v === undefined) return false;
  const s = v.trim().toLowerCase();
  return s === 'true' || s === '1' || s === '$true';
}

const RESULT_RANK: Record<string, number> = {
  succeeded: 0,
  succeededwithissues: 1,
  failed: 2,
  canceled: 3,
  skipped: 4,
};

export interface ExtractedCommands {
  /**
   * The result the agent keeps: it merges every `task.complete` with the worst winning
   * (`TaskResultUtil.MergeTaskResults`); the message is that command's. Absent when none was sent.
   */
  result?: TaskComplete;
  /** every `task.complete` in order */
  completes: TaskComplete[];
  /** commands the agent would refuse to process (reported as errors in the real log) */
  rejected: string[];
  /** output variables (`isOutput=true`) by name → value (last write wins) */
  outputs: Record<string, string>;
  /** every variable set (outputs included), last write wins */
  variables: Record<string, SetVariable>;
  /** values registered as secrets: `task.setsecret` data and `setvariable issecret=true` values */
  secrets: string[];
  /** `task.uploadsummary` file paths, in order */
  summaryFiles: string[];
  artifacts: ArtifactUpload[];
  buildTags: string[];
  issues: Issue[];
  progress: Progress[];
}

export function extractCommands(commands: VsoCommand[]): ExtractedCommands {
  const out: ExtractedCommands = {
    completes: [],
    rejected: [],
    outputs: {},
    variables: {},
    secrets: [],
    summaryFiles: [],
    artifacts: [],
    buildTags: [],
    issues: [],
    progress: [],
  };
  for (const c of commands) {
    const p = c.properties;
    switch (c.name) {
      case 'task.complete': {
        // the agent defaults to Succeeded when no result is given
        const complete: TaskComplete = { result: p['result'] ?? 'Succeeded', message: c.data };
        out.completes.push(complete);
        // The agent drops a command whose result it cannot parse: so does this reader.
        if (!isAgentTaskResult(complete.result)) {
          out.rejected.push(`task.complete result=${complete.result} (the agent knows ${AGENT_TASK_RESULTS.join(', ')})`);
          break;
        }
        const rank = (r: string) => RESULT_RANK[r.toLowerCase()] ?? 99;
        // worst wins; on a tie the later message is kept
        if (!out.result || rank(complete.result) >= rank(out.result.result)) out.result = complete;
        break;
      }
      case 'task.setvariable': {
        const name = p['variable'];
        if (!name) break;
        const v: SetVariable = {
          name,
          value: c.data,
          isOutput: vsoBool(p['isoutput']),
          isSecret: vsoBool(p['issecret']),
          isReadOnly: vsoBool(p['isreadonly']),
        };
        out.variables[name] = v;
        if (v.isOutput) out.outputs[name] = v.value;
        if (v.isSecret && v.value && !out.secrets.includes(v.value)) out.secrets.push(v.value);
        break;
      }
      case 'task.setsecret':
        if (c.data && !out.secrets.includes(c.data)) out.secrets.push(c.data);
        break;
      case 'task.uploadsummary':
        out.summaryFiles.push(c.data);
        break;
      case 'artifact.upload':
        out.artifacts.push({
          artifactName: p['artifactname'],
          containerFolder: p['containerfolder'],
          path: c.data,
          properties: p,
        });
        break;
      case 'build.addbuildtag':
        out.buildTags.push(c.data);
        break;
      case 'task.logissue':
      case 'task.issue':
        out.issues.push({ type: (p['type'] ?? '').toLowerCase(), message: c.data, properties: p });
        break;
      case 'task.setprogress':
      case 'task.progress':
        out.progress.push({ value: Number(p['value']), message: c.data });
        break;
      default:
        break;
    }
  }
  return out;
}
