import type { EmulatorRequest, EmulatorResponse } from './types';
import { json } from './types';

/**
 * The one way the emulator pages a list. Every service here pages alike underneath — the client
 * sends back a token naming where the next page starts (here: the offset of its first item, as
 * text) — and differs only in where the token travels and how the page is wrapped:
 *
 * - ARM (`armPage`): `{ value, nextLink }`; `nextLink` is the same URL with the token in a query
 *   parameter (`$skip` for Azure ML, `$skiptoken` for Microsoft.Resources); no `nextLink` on the
 *   last page. `$top` caps the whole result (azure-ai-ml asks `$top=1` for "the latest").
 * - run history (`historyPage`): `{ value, continuationToken, nextLink }`, token in
 *   `$continuationtoken`, both null on the last page; `$top` sizes the page (never above the default).
 * - MLflow `runs/search`: the token is `page_token` in the POST body (`pageOf` directly).
 *
 * A missing, empty or unreadable token starts at the beginning, as before this helper existed.
 */
export interface PageOptions {
  /** Items per page. */
  size: number;
  /** The token the client sent back, if any. */
  token?: string;
  /** Cap on the whole result (items after it are never listed). */
  limit?: number;
}

export interface Page<T> {
  items: T[];
  /** The token for the next page; undefined on the last one. */
  next?: string;
}

/** Default items per page of Azure ML / ARM lists in the emulator. */
export const ARM_PAGE_SIZE = 20;
/** Default (and largest) page of run history's child runs. */
export const HISTORY_PAGE_SIZE = 50;

export function offsetOf(token: string | undefined): number {
  const n = Number(token ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export function pageOf<T>(items: readonly T[], options: PageOptions): Page<T> {
  const size = Math.max(1, Math.floor(options.size));
  const all = options.limit === undefined ? items : items.slice(0, Math.max(0, options.limit));
  const start = offsetOf(options.token);
  const end = start + size;
  return { items: all.slice(start, end), next: end < all.length ? String(end) : undefined };
}

/** The request's URL with `param` set to `token` (other query parameters kept, as services do). */
export function linkWith(baseUrl: string, req: Pick<EmulatorRequest, 'path' | 'query'>, param: string, token: string): string {
  return `${baseUrl}${req.path}?${new URLSearchParams({ ...req.query, [param]: token }).toString()}`;
}

export interface ArmPageOptions {
  /** The emulator's URL (`cloud.url`): where `nextLink` points. */
  baseUrl: string;
  /** Items per page; default ARM_PAGE_SIZE. */
  pageSize?: number;
  /** Query parameter carrying the token: `$skip` (Azure ML, default) or `$skiptoken` (Microsoft.Resources). */
  tokenParam?: '$skip' | '$skiptoken';
}

/** One page of an ARM list: `{ value, nextLink? }`. */
export function armPage(
  req: Pick<EmulatorRequest, 'path' | 'query'>,
  items: readonly unknown[],
  options: ArmPageOptions,
): EmulatorResponse {
  const param = options.tokenParam ?? '$skip';
  const top = req.query.$top;
  const page = pageOf(items, {
    size: options.pageSize ?? ARM_PAGE_SIZE,
    token: req.query[param],
    limit: top === undefined ? undefined : Math.max(0, Number(top) || 0),
  });
  const body: { value: unknown[]; nextLink?: string } = { value: page.items };
  if (page.next !== undefined) body.nextLink = linkWith(options.baseUrl, req, param, page.next);
  return json(200, body);
}

/** One page of run history's child runs: `{ value, continuationToken, nextLink }`. */
export function historyPage(
  req: Pick<EmulatorRequest, 'path' | 'query'>,
  items: readonly unknown[],
  options: { baseUrl: string; pageSize?: number },
): EmulatorResponse {
  const largest = options.pageSize ?? HISTORY_PAGE_SIZE;
  const page = pageOf(items, { size: Math.min(Number(req.query.$top) || largest, largest), token: req.query.$continuationtoken });
  return json(200, {
    value: page.items,
    continuationToken: page.next ?? null,
    nextLink: page.next === undefined ? null : linkWith(options.baseUrl, req, '$continuationtoken', page.next),
  });
}
