import { mkdir, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { TrafficEntry } from './types';

/** Headers never written to the log: credentials have no place in a conformance artifact. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'x-identity-header']);

export function loggableHeaders(headers: IncomingHttpHeaders | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || SECRET_HEADERS.has(name.toLowerCase())) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Request/response pairs in the shape oav's LiveValidator reads. */
export class TrafficLog {
  private entries: TrafficEntry[] = [];

  add(entry: TrafficEntry): void {
    this.entries.push(entry);
  }

  all(): TrafficEntry[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }

  async write(dir: string): Promise<number> {
    await mkdir(dir, { recursive: true });
    const entries = this.entries;
    await Promise.all(
      entries.map((entry, index) =>
        writeFile(
          join(dir, `${String(index + 1).padStart(5, '0')}-${entry.liveRequest.method.toLowerCase()}.json`),
          JSON.stringify(entry, null, 2),
        ),
      ),
    );
    return entries.length;
  }
}
