import { UserError } from '../task/user-error';

/**
 * Traffic maps and staged shifts as pure functions. A map is deployment name → whole percent, as the
 * endpoint holds it. Every map we write sums to 100 (or is empty), so Azure ML never refuses one
 * halfway through a rollout.
 */
export type TrafficMap = Record<string, number>;

/** `10,50,100` → [10, 50, 100]: increasing whole percentages ending at 100. */
export function parseTrafficSteps(input: string, raw: string | undefined): number[] {
  const text = (raw ?? '').trim() || '100';
  const fix = `write increasing whole percentages ending in 100, for example 10,50,100`;
  const steps = text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (steps.some((s) => !Number.isInteger(s) || s < 1 || s > 100)) throw new UserError(`'${input}' is '${text}': ${fix}`);
  for (let i = 1; i < steps.length; i++) {
    if (steps[i] <= steps[i - 1])
      throw new UserError(`'${input}' is '${text}': step ${steps[i]} does not increase on ${steps[i - 1]}; ${fix}`);
  }
  if (steps[steps.length - 1] !== 100)
    throw new UserError(`'${input}' is '${text}': the last step must be 100 so the new deployment ends up taking all traffic; ${fix}`);
  return steps;
}

/**
 * The map with `target` at `percent` and the rest shared among the previous deployments in
 * proportion to what they had (largest remainder, ties by name), so it always sums to 100.
 * Deployments that had 0% keep 0%; if none had traffic, the new one takes everything.
 */
export function trafficAt(previous: TrafficMap, target: string, percent: number): TrafficMap {
  const others = Object.entries(previous).filter(([name]) => name !== target);
  const weight = others.reduce((s, [, v]) => s + Math.max(0, v), 0);
  if (weight === 0) return { ...Object.fromEntries(others.map(([n]) => [n, 0])), [target]: 100 };
  const rest = 100 - percent;
  const exact = others.map(([name, v]) => ({ name, exact: (Math.max(0, v) * rest) / weight }));
  const floors = exact.map((e) => ({ ...e, value: Math.floor(e.exact), remainder: e.exact - Math.floor(e.exact) }));
  let missing = rest - floors.reduce((s, e) => s + e.value, 0);
  for (const e of [...floors].sort((a, b) => b.remainder - a.remainder || a.name.localeCompare(b.name))) {
    if (missing <= 0) break;
    e.value += 1;
    missing -= 1;
  }
  return { ...Object.fromEntries(floors.map((e) => [e.name, e.value])), [target]: percent };
}

/** Same deployments with the same shares (names compared as Azure ML does, case-insensitively; 0% equals absent). */
export function sameTraffic(a: TrafficMap, b: TrafficMap): boolean {
  const norm = (m: TrafficMap) =>
    Object.entries(m)
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => `${k.toLowerCase()}=${v}`)
      .sort()
      .join(',');
  return norm(a) === norm(b);
}

export const formatTraffic = (m: TrafficMap) => {
  const entries = Object.entries(m);
  return entries.length === 0 ? '(no traffic)' : entries.map(([k, v]) => `${k} ${v}%`).join(', ');
};

/**
 * Which old deployments to delete once the new one takes all traffic: everything but the new one and
 * the `keep` most recently created others (kept at 0% for a quick manual rollback).
 */
export function deploymentsToRemove(all: Array<{ name: string; createdAt?: Date }>, current: string, keep: number): string[] {
  const old = all.filter((d) => d.name.toLowerCase() !== current.toLowerCase());
  old.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || a.name.localeCompare(b.name));
  return old.slice(keep).map((d) => d.name);
}

/**
 * The previous traffic map as far as it can be written now: deployments removed since (old ones at
 * 0%) are left out; undefined when one that took traffic before is gone, so the map cannot return.
 */
export function restorableTraffic(previous: TrafficMap, now: TrafficMap): TrafficMap | undefined {
  const exists = new Set(Object.keys(now).map((k) => k.toLowerCase()));
  const out: TrafficMap = {};
  for (const [name, share] of Object.entries(previous)) {
    if (exists.has(name.toLowerCase())) out[name] = share;
    else if (share > 0) return undefined;
  }
  return out;
}
