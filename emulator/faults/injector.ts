import { seededRandom } from '../random';
import type { FaultArea, FaultRates, FaultRule, FaultStatus, TransientFaultKind } from '../types';

export interface FaultDecision {
  kind: 'throttle' | 'serverError' | 'reset' | 'lostResponse' | 'latency';
  delayMs: number;
  status?: FaultStatus;
  retryAfterSeconds?: number;
  /** Destroy the socket before the request is handled. */
  reset?: boolean;
  /** Handle the request (its state change sticks), then destroy the socket instead of answering. */
  lostResponse?: boolean;
}

interface ScriptedRule {
  rule: FaultRule;
  remaining: number;
  /** Matching requests still to let through before the rule applies (FaultRule.after). */
  skip: number;
}

/** Where random faults land unless `FaultRates.areas` says otherwise (what they always hit). */
const DEFAULT_FAULT_AREAS: readonly FaultArea[] = ['arm', 'history', 'mlflow'];

/** Every kind a transient share is spread over, unless `FaultRates.transientKinds` narrows it. */
const TRANSIENT_FAULT_KINDS: readonly TransientFaultKind[] = [
  'throttle',
  'internalError',
  'badGateway',
  'unavailable',
  'reset',
  'lostResponse',
];

/** One area's own random stream and its shuffled cycle of transient kinds. */
interface AreaStream {
  random: () => number;
  /** The kinds still to hand out in the current cycle (each cycle uses every kind once). */
  cycle: TransientFaultKind[];
}

/**
 * Decides, per request, whether to misbehave. Scripted rules come first (in order, each used
 * `times` times) and apply to any route; random rates apply only to the areas they select
 * (default ARM, run history, MLflow).
 *
 * Each area draws from its own stream seeded from `seed`, so a seed replays the same faults as long
 * as each area sees its requests in the same order: a retried ARM call does not shift which token or
 * scoring request fails next. ARM keeps the stream of the plain seed (what it always had).
 */
export class FaultInjector {
  private rates: FaultRates;
  private rules: ScriptedRule[] = [];
  private serverErrors = 0;
  private streams = new Map<FaultArea, AreaStream>();

  constructor(
    private readonly seed: number,
    rates: FaultRates = {},
  ) {
    this.rates = { ...rates };
  }

  setRates(rates: FaultRates): void {
    this.rates = { ...rates };
  }

  script(rules: FaultRule[]): void {
    this.rules.push(...rules.map((rule) => ({ rule, remaining: rule.times ?? 1, skip: rule.after ?? 0 })));
  }

  clear(): void {
    this.rates = {};
    this.rules = [];
  }

  decide(method: string, path: string, area: FaultArea): FaultDecision | undefined {
    let scripted: ScriptedRule | undefined;
    for (const r of this.rules) {
      if (r.remaining <= 0 || !matches(r.rule, method, path)) continue;
      // A rule waiting for its turn counts this request and lets it on (to later rules, or through).
      if (r.skip > 0) {
        r.skip -= 1;
        continue;
      }
      scripted = r;
      break;
    }
    if (scripted) {
      scripted.remaining -= 1;
      this.rules = this.rules.filter((r) => r.remaining > 0);
      return fromRule(scripted.rule);
    }
    const areas = this.rates.areas ?? DEFAULT_FAULT_AREAS;
    return areas.includes(area) ? this.randomFault(this.stream(area)) : undefined;
  }

  private stream(area: FaultArea): AreaStream {
    let s = this.streams.get(area);
    if (!s) {
      s = { random: seededRandom(area === 'arm' ? this.seed : (this.seed ^ hash(area)) >>> 0), cycle: [] };
      this.streams.set(area, s);
    }
    return s;
  }

  private randomFault(s: AreaStream): FaultDecision | undefined {
    const r = this.rates;
    const random = s.random;
    // Draw once per kind, always in the same order, so a seed yields the same sequence; kinds added
    // later draw after the older ones so older callers' sequences stay as they were.
    const delayMs = r.latency && random() < r.latency ? (r.latencyMs ?? 0) : 0;
    if (r.transient && random() < r.transient) return transientFault(this.nextKind(s), delayMs, r.retryAfterSeconds ?? 1);
    if (r.reset && random() < r.reset) return { kind: 'reset', delayMs, reset: true };
    if (r.throttle && random() < r.throttle) {
      return { kind: 'throttle', delayMs, status: 429, retryAfterSeconds: r.retryAfterSeconds ?? 1 };
    }
    if (r.serverError && random() < r.serverError) {
      return { kind: 'serverError', delayMs, status: this.serverErrors++ % 2 === 0 ? 500 : 503 };
    }
    if (r.badGateway && random() < r.badGateway) return { kind: 'serverError', delayMs, status: 502 };
    if (r.lostResponse && random() < r.lostResponse) return { kind: 'lostResponse', delayMs, lostResponse: true };
    return delayMs > 0 ? { kind: 'latency', delayMs } : undefined;
  }

  /** The next kind of the area's cycle: every kind once per cycle, in a seeded order (an even spread even over few faults). */
  private nextKind(s: AreaStream): TransientFaultKind {
    if (s.cycle.length === 0) {
      const kinds = [...(this.rates.transientKinds?.length ? this.rates.transientKinds : TRANSIENT_FAULT_KINDS)];
      for (let i = kinds.length - 1; i > 0; i--) {
        const j = Math.floor(s.random() * (i + 1));
        [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
      }
      s.cycle = kinds;
    }
    return s.cycle.shift()!;
  }
}

function transientFault(kind: TransientFaultKind, delayMs: number, retryAfterSeconds: number): FaultDecision {
  switch (kind) {
    case 'throttle':
      return { kind: 'throttle', delayMs, status: 429, retryAfterSeconds };
    case 'internalError':
      return { kind: 'serverError', delayMs, status: 500 };
    case 'badGateway':
      return { kind: 'serverError', delayMs, status: 502 };
    case 'unavailable':
      return { kind: 'serverError', delayMs, status: 503 };
    case 'reset':
      return { kind: 'reset', delayMs, reset: true };
    case 'lostResponse':
      return { kind: 'lostResponse', delayMs, lostResponse: true };
  }
}

/** FNV-1a: a stable number per area name, to derive its stream's seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  return typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path);
}

function fromRule(rule: FaultRule): FaultDecision {
  const delayMs = rule.delayMs ?? 0;
  if (rule.reset) return { kind: 'reset', delayMs, reset: true };
  if (rule.lostResponse) return { kind: 'lostResponse', delayMs, lostResponse: true };
  if (rule.status === 429) return { kind: 'throttle', delayMs, status: 429, retryAfterSeconds: rule.retryAfterSeconds ?? 1 };
  if (rule.status) return { kind: 'serverError', delayMs, status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
  return { kind: 'latency', delayMs };
}
