/**
 * Traffic log files: request/response pairs recorded by the emulator during task-process tests,
 * stored as `build/traffic/<label>/<n>.json` in oav's live-validation format, and replayed by
 * test/conformance against the official Azure ML 2022-10-01 spec.
 */
import * as fs from 'fs';
import * as path from 'path';

export const TRAFFIC_ROOT = path.resolve(__dirname, '..', 'build', 'traffic');

export interface TrafficPair {
  liveRequest: { method: string; url: string; headers: Record<string, string>; body?: unknown };
  liveResponse: { statusCode: string | number; headers: Record<string, string>; body?: unknown };
}

interface SavedTraffic {
  label: string;
  /** 1-based position in the label's log */
  index: number;
  file: string;
  pair: TrafficPair;
}

function sanitizeLabel(label: string): string {
  const base = path.basename(label).replace(/\.test\.ts$|\.ts$/, '');
  const clean = base.replace(/[^A-Za-z0-9._-]/g, '_');
  if (!clean || clean === '.' || clean === '..') throw new Error(`saveTraffic: unusable label '${label}'`);
  return clean;
}

function checkPair(e: unknown, i: number, label: string): TrafficPair {
  const p = e as Partial<TrafficPair> | null;
  const ok =
    !!p &&
    typeof p === 'object' &&
    !!p.liveRequest &&
    typeof p.liveRequest.method === 'string' &&
    typeof p.liveRequest.url === 'string' &&
    !!p.liveResponse &&
    (typeof p.liveResponse.statusCode === 'string' || typeof p.liveResponse.statusCode === 'number');
  if (!ok) {
    throw new Error(
      `saveTraffic('${label}'): entry #${i + 1} is not {liveRequest:{method,url,headers,body}, liveResponse:{statusCode,headers,body}}`,
    );
  }
  return p as TrafficPair;
}

/**
 * Writes the pairs to `<root>/<label>/1.json, 2.json, …`, replacing whatever that label held
 * before (so a re-run never validates stale traffic of the same test file). Call it in an
 * `after` hook: `saveTraffic(emulator.traffic(), __filename)` or a plain test-file name.
 * Returns the folder written.
 */
export function saveTraffic(entries: unknown[], label: string, root: string = TRAFFIC_ROOT): string {
  if (!Array.isArray(entries)) throw new Error(`saveTraffic('${label}'): entries must be an array`);
  const dir = path.join(root, sanitizeLabel(label));
  const pairs = entries.map((e, i) => checkPair(e, i, label));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  pairs.forEach((p, i) => fs.writeFileSync(path.join(dir, `${i + 1}.json`), `${JSON.stringify(p, null, 2)}\n`));
  return dir;
}

/** Every saved pair, by label (alphabetical) then position. */
export function loadAllTraffic(root: string = TRAFFIC_ROOT): SavedTraffic[] {
  if (!fs.existsSync(root)) return [];
  const out: SavedTraffic[] = [];
  for (const label of fs.readdirSync(root).sort()) {
    const dir = path.join(root, label);
    if (!fs.statSync(dir).isDirectory()) continue;
    const files = fs
      .readdirSync(dir)
      .filter((f) => /^\d+\.json$/.test(f))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    for (const f of files) {
      const file = path.join(dir, f);
      let pair: unknown;
      try {
        pair = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`traffic file ${file} is not JSON: ${(e as Error).message}`);
      }
      out.push({ label, index: parseInt(f, 10), file, pair: checkPair(pair, parseInt(f, 10) - 1, label) });
    }
  }
  return out;
}
