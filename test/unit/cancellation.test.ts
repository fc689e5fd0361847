import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { agentCancelSignals, cancelOnAgentSignals } from '../../shared/task/cancellation';

describe("cancellation: the agent's signals become one AbortSignal", () => {
  it('on Windows, Ctrl+Break (SIGBREAK) cancels like SIGINT and SIGTERM', () => {
    const proc = new EventEmitter();
    const c = cancelOnAgentSignals(proc, 'win32');
    assert.equal(proc.listenerCount('SIGBREAK'), 1);
    proc.emit('SIGBREAK', 'SIGBREAK');
    assert.equal(c.signal.aborted, true);
    assert.equal(c.reason(), 'SIGBREAK');
    assert.match(String((c.signal.reason as Error).message), /cancelled \(SIGBREAK\)/);
    c.dispose();
    assert.deepEqual(
      ['SIGINT', 'SIGTERM', 'SIGBREAK'].map((s) => proc.listenerCount(s)),
      [0, 0, 0],
      'dispose removes every listener',
    );
  });

  it('elsewhere Node has no SIGBREAK: only SIGINT and SIGTERM are listened to', () => {
    const proc = new EventEmitter();
    const c = cancelOnAgentSignals(proc, 'linux');
    assert.equal(proc.listenerCount('SIGBREAK'), 0);
    assert.deepEqual(agentCancelSignals('darwin'), ['SIGINT', 'SIGTERM']);
    proc.emit('SIGTERM', 'SIGTERM');
    proc.emit('SIGINT', 'SIGINT');
    assert.equal(c.reason(), 'SIGTERM', 'the first signal is the reason');
    c.dispose();
  });

  it('registers on the real process of this platform without throwing', () => {
    const before = process.listenerCount('SIGINT');
    const c = cancelOnAgentSignals();
    assert.equal(process.listenerCount('SIGINT'), before + 1);
    assert.equal(c.signal.aborted, false);
    c.dispose();
    assert.equal(process.listenerCount('SIGINT'), before);
  });
});
