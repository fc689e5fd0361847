import { setTimeout as sleep } from 'node:timers/promises';
import type { Cloud } from '../cloud';
import type { EndpointRecord, OnlineStore } from '../endpoints/store';
import { opState } from '../endpoints/store';
import type { EmulatorRequest, EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';

/**
 * The endpoints' scoring URIs: a simulated model per deployment whose answers come from its
 * behaviour (healthy, error, wrong shape, slow). Auth is the endpoint's own (a key or an AML token),
 * never an ARM token; `azureml-model-deployment` sends a request to one deployment, else traffic decides.
 */
export function scoringRoutes(cloud: Cloud, store: OnlineStore): Route[] {
  // Spreads unpinned requests over the traffic map deterministically (request n goes to percentile n mod 100).
  let routed = 0;

  const authorized = (e: EndpointRecord, header: string | string[] | undefined): boolean => {
    const value = Array.isArray(header) ? header[0] : header;
    const m = /^Bearer\s+(.+)$/i.exec(value ?? '');
    if (!m) return false;
    if (e.authMode === 'Key') return m[1] === e.keys.primaryKey || m[1] === e.keys.secondaryKey;
    const expiry = e.tokens.get(m[1]);
    return expiry !== undefined && expiry > cloud.clock.now();
  };

  const pick = (e: EndpointRecord, pinned: string | undefined): string | undefined => {
    if (pinned) return e.deployments.get(pinned.toLowerCase())?.name;
    const slot = routed++ % 100;
    let acc = 0;
    for (const [name, share] of Object.entries(e.traffic)) {
      acc += share;
      if (slot < acc) return name;
    }
    return undefined;
  };

  const score = async (req: EmulatorRequest, endpointName: string): Promise<EmulatorResponse> => {
    const e = store.get(endpointName);
    if (!e) return json(404, { message: `No online endpoint '${endpointName}'.` });
    if (!authorized(e, req.headers.authorization))
      return json(401, { message: 'Unauthorized: a valid endpoint key or token is required.' });
    const header = req.headers['azureml-model-deployment'];
    const pinned = Array.isArray(header) ? header[0] : header;
    const name = pick(e, pinned);
    if (!name) {
      return pinned
        ? json(404, { message: `Deployment '${pinned}' does not exist under endpoint '${e.name}'.` })
        : json(424, { message: `No deployment of endpoint '${e.name}' takes traffic; set the traffic or send azureml-model-deployment.` });
    }
    const d = e.deployments.get(name.toLowerCase())!;
    const headers = { 'azureml-model-deployment': d.name };
    if (opState(d.op, cloud.clock.now()) !== 'Succeeded' || d.op?.kind === 'Delete') {
      return { status: 503, headers, body: { message: `Deployment '${d.name}' is not ready to serve requests.` } };
    }
    if (req.bodyError || req.body === undefined) return { status: 400, headers, body: { message: 'The request body must be JSON.' } };
    const b = d.behaviour;
    switch (b.scoring ?? 'healthy') {
      case 'error':
        return { status: 500, headers, body: { message: "An unexpected error occurred in scoring script: KeyError: 'features'" } };
      case 'wrongShape':
        return { status: 200, headers, body: { result: 'ok' } };
      case 'slow':
        await sleep(b.slowMs ?? 3000);
        break;
    }
    return { status: 200, headers, body: b.response ?? { predictions: [0] } };
  };

  return [
    {
      method: 'POST',
      pattern: /^\/score\/([^/]+)\/score\/?$/i,
      area: 'scoring',
      anonymous: true,
      handle: (req, [name]) => score(req, name),
    },
    {
      method: 'GET',
      pattern: /^\/score\/([^/]+)\/swagger\.json$/i,
      area: 'scoring',
      anonymous: true,
      handle: (_req, [name]) =>
        store.get(name)
          ? json(200, { swagger: '2.0', info: { title: name, version: '1.0' }, paths: { '/score': { post: {} } } })
          : json(404, { message: 'not found' }),
    },
  ];
}
