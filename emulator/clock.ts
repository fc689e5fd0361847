import type { EmulatorClock } from './types';

/**
 * Emulator time. 'manual' starts at the real time and only moves through advance(), so tests
 * walk job statuses without sleeping; 'real' follows the wall clock plus whatever was advanced.
 */
export function createClock(mode: 'real' | 'manual', wallClock: () => number = Date.now): EmulatorClock {
  let offset = 0;
  const frozenAt = wallClock();
  return {
    now: () => (mode === 'manual' ? frozenAt : wallClock()) + offset,
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError(`clock.advance needs a non-negative number of ms, got ${ms}`);
      offset += ms;
    },
  };
}
