import { strict as assert } from 'node:assert';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createDefaultHttpClient, createEmptyPipeline, createPipelineRequest } from '@azure/core-rest-pipeline';
import * as sinon from 'sinon';
import { DEFAULT_RETRY, retryDelay, transientRetryPolicy, withTransientRetries, type RetryBudget } from '../../shared/http/retry-policy';
import { scoringClient, ScoringTimeout } from '../../shared/deploy/scoring-client';
import { perHostAgentSettingsPolicy } from '../../shared/http/per-host-agent-settings';
import { createCertificateAuthority, createServerCertificate } from '../../emulator/crypto/certificates';
import { settle } from '../support/fake-clock';

/** HTTPS as in production (the pipeline refuses plain HTTP): a loopback CA the clients trust explicitly. */
let tls: { ca: string; key: string; cert: string };
before(async () => {
  const ca = await createCertificateAuthority('retry-policy test CA');
  const server = await createServerCertificate(ca);
  tls = { ca: ca.certPem, key: server.privateKeyPem, cert: server.certPem };
});
const trustLoopback = () => ({ tlsOptions: { ca: tls.ca } });

/** Our retry policy in front of the loopback CA settings. */
function retryingPipeline(budget: RetryBudget) {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(transientRetryPolicy(budget));
  pipeline.addPolicy(perHostAgentSettingsPolicy(trustLoopback));
  return pipeline;
}

const header = (values: Record<string, string>) => (name: string) => values[name.toLowerCase()];
const half = () => 0.5;

describe('retry policy: when and how long to wait (pure)', () => {
  const budget: RetryBudget = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 4000, maxRetryAfterMs: 60_000 };

  it('retries 408, 429, 500, 502, 503, 504 and dropped connections; nothing else', () => {
    for (const status of [408, 429, 500, 502, 503, 504])
      assert.notEqual(retryDelay(0, { status }, budget, half), undefined, String(status));
    for (const status of [200, 400, 401, 403, 404, 409, 412, 501, 505])
      assert.equal(retryDelay(0, { status }, budget, half), undefined, String(status));
    for (const errorCode of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])
      assert.notEqual(retryDelay(0, { errorCode }, budget, half), undefined, errorCode);
    assert.equal(retryDelay(0, { errorCode: 'CERT_HAS_EXPIRED' }, budget, half), undefined);
    assert.equal(retryDelay(0, {}, budget, half), undefined);
  });

  it('backs off exponentially, capped, with jitter between half and all of the step', () => {
    assert.deepEqual(
      [0, 1, 2].map((n) => retryDelay(n, { status: 500 }, budget, () => 0)),
      [500, 1000, 2000],
    );
    assert.deepEqual(
      [0, 1, 2].map((n) => retryDelay(n, { status: 500 }, budget, () => 0.999999)),
      [1000, 2000, 4000],
    );
    assert.equal(
      retryDelay(2, { status: 500 }, { ...budget, maxRetries: 9, maxDelayMs: 3000 }, () => 0),
      1500,
    );
    assert.equal(retryDelay(3, { status: 500 }, budget, half), undefined, 'the budget is spent after maxRetries');
  });

  it("honours the service's Retry-After (seconds, HTTP date, ms headers) over the backoff", () => {
    assert.equal(retryDelay(0, { status: 429, header: header({ 'retry-after': '7' }) }, budget, half), 7000);
    assert.equal(
      retryDelay(0, { status: 503, header: header({ 'retry-after': new Date(31_000).toUTCString() }) }, budget, half, 1_000),
      30_000,
    );
    assert.equal(retryDelay(0, { status: 429, header: header({ 'retry-after-ms': '250', 'retry-after': '9' }) }, budget, half), 250);
    assert.equal(retryDelay(0, { status: 429, header: header({ 'x-ms-retry-after-ms': '40' }) }, budget, half), 40);
    assert.equal(retryDelay(0, { status: 429, header: header({}) }, budget, half), 750, 'a 429 without Retry-After still backs off');
    assert.equal(
      retryDelay(0, { status: 429, header: header({ 'retry-after': '3600' }) }, budget, half),
      undefined,
      'an hour is an answer, not a blip',
    );
  });
});

/** A loopback server answering each request by the next script entry (then 200). */
async function scriptedServer(script: Array<'reset' | 'hang' | { status: number; headers?: Record<string, string> }>) {
  let seen = 0;
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    req.resume();
    const step = script[seen++];
    if (step === 'reset') return void req.socket.destroy();
    if (step === 'hang') return;
    res.writeHead(step?.status ?? 200, { 'Content-Type': 'application/json', ...(step?.headers ?? {}) });
    res.end(JSON.stringify({ try: seen }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/score`;
  return {
    url,
    requests: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const fast: RetryBudget = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 };

describe('retry policy over a real connection', () => {
  it('rides through a 429 with Retry-After, a 503, a reset and a 502 to the answer', async () => {
    const server = await scriptedServer([{ status: 429, headers: { 'Retry-After': '0' } }, { status: 503 }, 'reset', { status: 502 }]);
    try {
      const pipeline = retryingPipeline(fast);
      const response = await pipeline.sendRequest(
        createDefaultHttpClient(),
        createPipelineRequest({ url: server.url, method: 'POST', body: '{}' }),
      );
      assert.equal(response.status, 200);
      assert.equal(server.requests(), 5);
    } finally {
      await server.close();
    }
  });

  it('returns the last answer once the budget is spent, and does not retry a 404', async () => {
    const server = await scriptedServer(Array.from({ length: 10 }, () => ({ status: 500 })));
    const notFound = await scriptedServer([{ status: 404 }]);
    try {
      const pipeline = retryingPipeline(fast);
      const response = await pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url: server.url }));
      assert.equal(response.status, 500);
      assert.equal(server.requests(), fast.maxRetries + 1);
      assert.equal((await pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url: notFound.url }))).status, 404);
      assert.equal(notFound.requests(), 1);
    } finally {
      await server.close();
      await notFound.close();
    }
  });

  it('stops waiting the moment the task is cancelled', async () => {
    const server = await scriptedServer([{ status: 429, headers: { 'Retry-After': '60' } }]);
    try {
      const pipeline = retryingPipeline({ ...fast, maxRetryAfterMs: 120_000 });
      const cancel = new AbortController();
      const pending = pipeline.sendRequest(
        createDefaultHttpClient(),
        createPipelineRequest({ url: server.url, abortSignal: cancel.signal }),
      );
      setTimeout(() => cancel.abort(), 50);
      await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
      assert.equal(server.requests(), 1);
    } finally {
      await server.close();
    }
  });
});

/**
 * withTransientRetries, for calls outside an Azure pipeline (the OIDC request), on the budget the
 * tasks really use: sinon's fake clock runs minutes of waiting in no time and tells when each try was.
 */
describe('retries outside a pipeline, on the real budget (fake clock)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
    sinon.restore();
  });

  /** A call failing with `errors` in turn, then answering 'token'; records when each try was. */
  function scripted(errors: Error[]) {
    const tries: number[] = [];
    const call = sinon.stub<[], Promise<string>>().callsFake(async () => {
      tries.push(Date.now());
      const e = errors.shift();
      if (e) throw e;
      return 'token';
    });
    return { call, tries };
  }
  const httpError = (statusCode: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, responseHeaders: headers });

  it("waits exactly the service's Retry-After (typed-rest-client's plain header object)", async () => {
    const { call, tries } = scripted([httpError(429, { 'retry-after': '30' })]);
    const pending = withTransientRetries(call, { what: 'OIDC token' });
    await clock.tickAsync(29_999);
    assert.equal(call.callCount, 1, 'not a moment before the 30 s the service asked for');
    const { value } = await settle(clock, pending);
    assert.equal(value, 'token');
    assert.deepEqual(tries, [0, 30_000]);
  });

  it('backs off exponentially from 0.8 s, with jitter, for a status or a dropped connection', async () => {
    sinon.stub(Math, 'random').returns(0);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { call, tries } = scripted([httpError(503), reset, httpError(500)]);
    assert.equal((await settle(clock, withTransientRetries(call, { what: 'OIDC token' }))).value, 'token');
    assert.deepEqual(tries, [0, 400, 1_200, 2_800], 'half of each doubling step when the jitter is 0');
  });

  it('does not retry what is not transient', async () => {
    const { call } = scripted([httpError(403)]);
    assert.match((await settle(clock, withTransientRetries(call, { what: 'OIDC token' }))).error?.message ?? '', /HTTP 403/);
    assert.equal(call.callCount, 1);
  });

  it('gives up after the budget: nine tries, the waits doubling up to the 30 s cap', async () => {
    sinon.stub(Math, 'random').returns(0.999999);
    const { call, tries } = scripted(Array.from({ length: 20 }, () => httpError(503)));
    const { error } = await settle(clock, withTransientRetries(call, { what: 'OIDC token' }));
    assert.match(error?.message ?? '', /HTTP 503/);
    assert.equal(tries.length, DEFAULT_RETRY.maxRetries + 1);
    const waits = tries.slice(1).map((t, i) => t - tries[i]);
    assert.deepEqual(waits, [800, 1_600, 3_200, 6_400, 12_800, 25_600, 30_000, 30_000]);
  });

  it('a cancel during a two-minute Retry-After ends the wait at once', async () => {
    const cancel = new AbortController();
    const { call } = scripted([httpError(429, { 'retry-after': '120' })]);
    const outcome = withTransientRetries(call, { what: 'OIDC token', abortSignal: cancel.signal }).then(
      () => 'resolved',
      (e: Error) => e.name,
    );
    await clock.tickAsync(1_000);
    cancel.abort();
    await clock.tickAsync(0);
    assert.equal(await outcome, 'AbortError');
    assert.equal(call.callCount, 1);
  });
});

describe('scoring client', () => {
  const score = scoringClient(trustLoopback);
  const call = (url: string, timeoutMs = 5_000) => score(url, { credential: 'k', deployment: 'blue', body: { data: [1] }, timeoutMs });
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('answers after a dropped connection and a 503 instead of failing the smoke test', async () => {
    const server = await scriptedServer(['reset', { status: 503 }]);
    try {
      const answer = await call(server.url);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { try: 3 });
    } finally {
      await server.close();
    }
  });

  it('a connection that keeps dropping fails with the reset, and leaves no timer running', async () => {
    const server = await scriptedServer(Array.from({ length: 10 }, () => 'reset' as const));
    try {
      const before = timers();
      await assert.rejects(
        call(server.url, 30_000),
        (e: Error & { code?: string }) => e.code === 'ECONNRESET' && !(e instanceof ScoringTimeout),
      );
      assert.equal(server.requests(), 5, 'the scoring budget: 1 try + 4 retries');
      assert.ok(timers() <= before, `a request timer outlived the request (${timers()} timers, ${before} before)`);
    } finally {
      await server.close();
    }
  });

  it('a model that does not answer in time is a ScoringTimeout, not retried', async () => {
    const server = await scriptedServer(['hang', 'hang']);
    try {
      await assert.rejects(call(server.url, 200), (e: Error) => e instanceof ScoringTimeout && e.message === 'no answer within 0.2 s');
      assert.equal(server.requests(), 1);
    } finally {
      await server.close();
    }
  });
});
