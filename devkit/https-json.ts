/**
 * One HTTPS request with a JSON answer (parsed when it is JSON, else the text), trusting only the
 * CA given: what the picker harness and the demo's scoring call both need.
 */
import * as https from 'https';

export interface HttpAnswer {
  status: number;
  /** lower-case names; repeated headers joined with ', ' */
  headers: Record<string, string>;
  body: unknown;
}

export function httpsJson(
  url: string,
  options: { method?: string; headers?: Record<string, string>; ca?: string | Buffer; body?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, timeout: options.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            /* keep text */
          }
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: h, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout calling ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
