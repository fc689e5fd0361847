import type { FaultRates, FaultRule } from '../types';

export interface FaultDecision {
  kind: 'throttle' | 'serverError' | 'reset' | 'latency';
  delayMs: number;
  status?: 429 | 500 | 503;
  retryAfterSeconds?: number;
  reset?: boolean;
}

interface ScriptedRule {
  rule: FaultRule;
  remaining: number;
  /** Matching requests still to let through before the rule applies (FaultRule.after). */
  skip: number;
}

/**
 * Decides, per request, whether to misbehave. Scripted rules come first (in order, each used
 * `times` times); random rates apply only where `randomEligible` (ARM and data-plane routes).
 */
export class FaultInjector {
  private rates: FaultRates;
  private rules: ScriptedRule[] = [];
  private serverErrors = 0;

  constructor(private readonly random: () => number, rates: FaultRates = {}) {
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

  decide(method: string, path: string, randomEligible: boolean): FaultDecision | undefined {
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
    return randomEligible ? this.randomFault() : undefined;
  }

  private randomFault(): FaultDecision | undefined {
    const r = this.rates;
    // Draw once per kind, always in the same order, so a seed yields the same sequence.
    const delayMs = r.latency && this.random() < r.latency ? r.latencyMs ?? 0 : 0;
    if (r.reset && this.random() < r.reset) return { kind: 'reset', delayMs, reset: true };
    if (r.throttle && this.random() < r.throttle) {
      return { kind: 'throttle', delayMs, status: 429, retryAfterSeconds: r.retryAfterSeconds ?? 1 };
    }
    if (r.serverError && this.random() < r.serverError) {
      return { kind: 'serverError', delayMs, status: this.serverErrors++ % 2 === 0 ? 500 : 503 };
    }
    return delayMs > 0 ? { kind: 'latency', delayMs } : undefined;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  return typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path);
}

function fromRule(rule: FaultRule): FaultDecision {
  const delayMs = rule.delayMs ?? 0;
  if (rule.reset) return { kind: 'reset', delayMs, reset: true };
  if (rule.status === 429) return { kind: 'throttle', delayMs, status: 429, retryAfterSeconds: rule.retryAfterSeconds ?? 1 };
  if (rule.status) return { kind: 'serverError', delayMs, status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
  return { kind: 'latency', delayMs };
}
