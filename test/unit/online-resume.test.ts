import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { putResumingConflicts } from '../../shared/azureml/online';
import { settle } from '../support/fake-clock';

/**
 * A PUT whose answer was lost meets its own first attempt (409) and is resumed, on the schedule the
 * task really uses (2 s, doubling, at most 15 s): sinon's fake clock runs the waits in no time and
 * lets the test read when each call happened.
 */
describe('online writes: a PUT that meets a running operation (409) is resumed, not failed', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  type Resource = { properties: { provisioningState: string } };
  const conflict = () => Object.assign(new Error('Another operation is in progress on this resource.'), { statusCode: 409 });
  const resource = (provisioningState: string): Resource => ({ properties: { provisioningState } });

  it('reads the busy resource after 2, 4, 8, 15 and 15 s, and takes it once it is what the PUT asked for', async () => {
    const states = ['Updating', 'Updating', 'Updating', 'Updating', 'Updating', 'Succeeded'];
    const reads: number[] = [];
    const put = sinon.stub<[], Promise<Resource>>().rejects(conflict());
    const read = async () => (reads.push(Date.now()), resource(states.shift()!));
    const { value, error } = await settle(clock, putResumingConflicts(put, read, { alreadyDone: () => true }));
    assert.equal(error, undefined);
    assert.equal(value?.properties.provisioningState, 'Succeeded');
    assert.deepEqual(reads, [0, 2_000, 6_000, 14_000, 29_000, 44_000]);
    assert.equal(put.callCount, 1, 'the operation that ran was ours: no second PUT');
  });

  it('PUTs again when the finished resource is not what it asked for', async () => {
    const puts: number[] = [];
    const put = sinon.stub<[], Promise<Resource>>().callsFake(async () => {
      puts.push(Date.now());
      if (puts.length === 1) throw conflict();
      return resource('Succeeded');
    });
    const alreadyDone = sinon.stub().returns(false);
    const { value } = await settle(
      clock,
      putResumingConflicts(put, async () => resource('Succeeded'), { alreadyDone }),
    );
    assert.equal(value?.properties.provisioningState, 'Succeeded');
    assert.equal(alreadyDone.callCount, 1);
    assert.deepEqual(puts, [0, 2_000], 'a resource busy for a reason it does not show still gets a short wait');
  });

  it('gives up after four PUTs that all meet a conflict, with the service error', async () => {
    const puts: number[] = [];
    const put = async (): Promise<Resource> => {
      puts.push(Date.now());
      throw conflict();
    };
    const { error } = await settle(
      clock,
      putResumingConflicts(put, async () => undefined, { alreadyDone: () => true }),
    );
    assert.match(error?.message ?? '', /Another operation is in progress/);
    assert.deepEqual(puts, [0, 2_000, 6_000, 12_000], 'waits grow with each round');
  });

  it('a cancel ends the wait at once, with no further call', async () => {
    const cancel = new AbortController();
    const reads: number[] = [];
    const put = sinon.stub<[], Promise<Resource>>().rejects(conflict());
    const read = async () => (reads.push(Date.now()), resource('Updating'));
    const outcome = putResumingConflicts(put, read, { alreadyDone: () => true, abortSignal: cancel.signal }).then(
      () => 'resolved',
      (e: Error) => e.name,
    );
    await clock.tickAsync(5_000);
    cancel.abort();
    await clock.tickAsync(0);
    assert.equal(await outcome, 'AbortError');
    assert.deepEqual(reads, [0, 2_000], 'the third read (due at 6 s) never happens');
    await clock.tickAsync(60_000);
    assert.equal(put.callCount, 1);
    assert.deepEqual(reads, [0, 2_000]);
  });
});
