/**
 * `.amlignore` / `.gitignore` matching as azure-ai-ml does it (`IgnoreFile.is_file_excluded` over
 * pathspec's GitWildMatchPattern). Two of its behaviours differ from git and are kept on purpose, so
 * that the set of hashed and uploaded files — and therefore the content hash and the blob prefix —
 * are the ones `az ml` computes:
 * - the FIRST pattern that matches decides (git lets the last one win);
 * - a pattern with a trailing slash (`build/`) matches the files below the folder, not the folder's
 *   own path, so the folder's name still goes into the MD5 of the folder.
 */
interface IgnoreRule {
  pattern: string;
  include: boolean;
  regex: RegExp;
}

export interface IgnoreMatcher {
  /** Which file decided the rules ('.amlignore', '.gitignore') or undefined when none exists. */
  source?: string;
  rules: IgnoreRule[];
  /** `relativePath` uses '/' and is relative to the folder that holds the ignore file. */
  isExcluded(relativePath: string): boolean;
}

export function parseIgnoreFile(text: string | undefined, source?: string): IgnoreMatcher {
  const rules: IgnoreRule[] = [];
  for (const raw of (text ?? '').split(/\r?\n/)) {
    const rule = compileGitWildMatch(raw);
    if (rule) rules.push(rule);
  }
  return {
    source: text === undefined ? undefined : source,
    rules,
    isExcluded(relativePath: string) {
      const path = normalize(relativePath);
      for (const rule of rules) {
        if (rule.regex.test(path)) return rule.include;
      }
      return false;
    },
  };
}

/** pathspec's normalize_file: forward slashes, no leading './' or '/'. */
function normalize(path: string): string {
  let p = path.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p.replace(/^\/+/, '');
}

/** A port of pathspec's GitWildMatchPattern.pattern_to_regex (include = the pattern excludes a file). */
function compileGitWildMatch(line: string): IgnoreRule | undefined {
  let pattern = line.replace(/[\r\n]+$/, '');
  // Trailing spaces are ignored unless escaped.
  pattern = pattern.replace(/(?<!\\)\s+$/, '');
  if (pattern === '' || pattern.startsWith('#') || pattern === '/') return undefined;
  let include = true;
  if (pattern.startsWith('!')) {
    include = false;
    pattern = pattern.slice(1);
  }
  if (pattern.startsWith('\\')) pattern = pattern.slice(1);
  let segments = pattern.split('/');
  if (segments[0] === '') {
    // A leading slash anchors the pattern at the root.
    segments = segments.slice(1);
  } else if (segments.length === 1 || (segments.length === 2 && segments[1] === '')) {
    // A single name (optionally with a trailing slash) matches at any depth.
    if (segments[0] !== '**') segments = ['**', ...segments];
  }
  if (segments.length > 1 && segments[segments.length - 1] === '') segments[segments.length - 1] = '**';
  const end = segments.length - 1;
  let out = '';
  let needSlash = false;
  segments.forEach((seg, i) => {
    if (seg === '**') {
      if (i === 0 && i === end) out += '.+';
      else if (i === 0) {
        out += '(?:.+/)?';
        needSlash = false;
      } else if (i === end) out += '/.*';
      else {
        out += '(?:/.+)?';
        needSlash = true;
      }
    } else if (seg === '*') {
      if (needSlash) out += '/';
      out += '[^/]+';
      if (i === end) out += '(?:/.*)?';
      needSlash = true;
    } else {
      if (needSlash) out += '/';
      out += translateSegment(seg);
      if (i === end) out += '(?:/.*)?';
      needSlash = true;
    }
  });
  return { pattern: line, include, regex: new RegExp(`^${out}$`) };
}

/** fnmatch-style translation of one path segment: *, ?, [...] classes, backslash escapes. */
function translateSegment(seg: string): string {
  let out = '';
  let escape = false;
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (escape) {
      out += escapeRegex(c);
      escape = false;
    } else if (c === '\\') escape = true;
    else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      let j = i + 1;
      if (j < seg.length && (seg[j] === '!' || seg[j] === ']')) j++;
      while (j < seg.length && seg[j] !== ']') j++;
      if (j < seg.length) {
        let body = seg.slice(i + 1, j);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = j;
      } else out += '\\[';
    } else out += escapeRegex(c);
  }
  return out;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
