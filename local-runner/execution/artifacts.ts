/**
 * Pipeline artifacts on disk: the run's artifacts are folders under `<runDir>/artifacts/<name>`
 * (immutable once published, like the service's); a pipeline resource's artifacts are the folders
 * of the earlier local run it names. Download rules are DownloadPipelineArtifact@2's: with an
 * artifact name, its content goes straight into the target path; without, each artifact goes into
 * `<path>/<artifact name>`.
 */
import * as fs from 'fs';
import * as path from 'path';

export class ArtifactStore {
  readonly dir: string;
  /** name → folder, in publish order */
  readonly artifacts: Record<string, string> = {};

  constructor(runDir: string) {
    this.dir = path.join(runDir, 'artifacts');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /** PublishPipelineArtifact: a new artifact from a file or folder. Throws (a step failure) when it exists or the path is missing. */
  publish(name: string, source: string): string {
    if (!name) throw new Error('an artifact name is required');
    if (this.artifacts[name]) throw new Error(`artifact '${name}' was already published in this run (pipeline artifacts are immutable)`);
    if (!fs.existsSync(source)) throw new Error(`path to publish not found: ${source}`);
    const dest = path.join(this.dir, name);
    copyInto(source, dest);
    this.artifacts[name] = dest;
    return dest;
  }

  /** `##vso[artifact.upload artifactname=…;containerfolder=…]path`: adds files to an artifact (created on first upload). */
  upload(name: string, source: string, containerFolder?: string): string {
    if (!fs.existsSync(source)) throw new Error(`artifact.upload: path not found: ${source}`);
    const dest = path.join(this.dir, name);
    // the container folder is the path inside the artifact; one equal to the artifact name is its root
    const sub = containerFolder && containerFolder !== name ? containerFolder.replace(/^[\\/]+/, '') : '';
    copyInto(source, path.join(dest, sub));
    this.artifacts[name] = dest;
    return dest;
  }
}

/** Copy a file into a folder (keeping its name) or a folder's content into a folder. */
export function copyInto(source: string, destDir: string, patterns?: string[]): number {
  fs.mkdirSync(destDir, { recursive: true });
  const stat = fs.statSync(source);
  if (stat.isFile()) {
    const name = path.basename(source);
    if (patterns && !matchesPatterns(name, patterns)) return 0;
    fs.copyFileSync(source, path.join(destDir, name));
    return 1;
  }
  let n = 0;
  for (const rel of listFiles(source)) {
    if (patterns && !matchesPatterns(rel, patterns)) continue;
    const to = path.join(destDir, rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(source, rel), to);
    n++;
  }
  return n;
}

function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...listFiles(root, r));
    else out.push(r);
  }
  return out;
}

/** minimatch-style patterns, one a line; `!` excludes; the last matching pattern decides. */
function matchesPatterns(relPath: string, patterns: string[]): boolean {
  let included = false;
  for (const raw of patterns) {
    const p = raw.trim();
    if (!p) continue;
    const negate = p.startsWith('!');
    if (globToRegExp(negate ? p.slice(1) : p).test(relPath)) included = !negate;
  }
  return included;
}

export function splitPatterns(text: string | undefined): string[] {
  const list = (text ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length > 0 ? list : ['**'];
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more folders; a trailing `**` anything
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
