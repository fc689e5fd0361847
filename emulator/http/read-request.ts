import type { IncomingMessage } from 'node:http';
import type { EmulatorRequest } from './types';

export async function readRequest(message: IncomingMessage): Promise<EmulatorRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(message.url ?? '/', 'https://emulator.invalid');
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, key) => (query[key] = value));
  const { body, bodyError } = parseBody(rawBody, String(message.headers['content-type'] ?? ''));
  return {
    method: (message.method ?? 'GET').toUpperCase(),
    path: url.pathname.split('/').map(safeDecode).join('/'),
    query,
    headers: message.headers,
    body,
    rawBody,
    bodyError,
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parseBody(raw: string, contentType: string): { body: unknown; bodyError?: string } {
  if (raw.length === 0) return { body: undefined };
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(raw)) };
  }
  try {
    return { body: JSON.parse(raw) };
  } catch (error) {
    return { body: raw, bodyError: (error as Error).message };
  }
}
