import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { armError, notFoundRoute } from '../arm/errors';
import { apiVersionError } from '../arm/scope';
import type { Cloud } from '../cloud';
import { armAudiences } from '../cloud';
import { checkBearer, SigningKey } from '../entra/access-tokens';
import type { FaultDecision, FaultInjector } from '../faults/injector';
import { faultResponse } from '../faults/responses';
import { loggableHeaders, TrafficLog } from '../traffic';
import type { FaultArea, RequestRecord } from '../types';
import { readRequest } from './read-request';
import type { Area, EmulatorRequest, EmulatorResponse, Route } from './types';

interface DispatchDeps {
  cloud: Cloud;
  routes: Route[];
  faults: FaultInjector;
  accessTokenKey: SigningKey;
  requests: RequestRecord[];
  traffic: TrafficLog;
}

/** Areas behind ARM-scoped bearer tokens. */
const PROTECTED: ReadonlySet<Area> = new Set(['arm', 'history', 'mlflow']);

function areaOfPath(path: string): Area {
  const first = path.split('/')[1]?.toLowerCase();
  if (first === 'subscriptions') return 'arm';
  if (first === 'history') return 'history';
  if (first === 'mlflow') return 'mlflow';
  if (first === 'devops') return 'devops';
  if (first === 'score') return 'scoring';
  return 'entra';
}

/** The fault area of a request: Entra's token endpoint apart from its discovery documents, so faults can hit one without the other. */
function faultAreaOf(area: Area, method: string, path: string): FaultArea {
  if (area === 'entra') return method === 'POST' && /\/oauth2\/v2\.0\/token$/i.test(path) ? 'entra' : 'openid';
  return area;
}

function findRoute(routes: Route[], method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1) };
  }
  return undefined;
}

/** Request handling shared by every route: log, faults, auth, api-version, handler, ids, traffic. */
export function createDispatcher(deps: DispatchDeps) {
  const { cloud } = deps;
  const audiences = () => armAudiences(cloud);

  async function respond(
    request: EmulatorRequest,
    area: Area,
    found: ReturnType<typeof findRoute>,
    decision?: FaultDecision,
  ): Promise<EmulatorResponse> {
    if (decision?.status) return faultResponse(decision, cloud.subscriptionId, faultAreaOf(area, request.method, request.path));
    if (PROTECTED.has(area) && !found?.route.anonymous) {
      const check = checkBearer(request.headers.authorization, deps.accessTokenKey, audiences());
      if (!check.ok) {
        return armError(401, check.code, check.message, {
          'WWW-Authenticate': `Bearer authorization_uri="${cloud.url}/${cloud.tenantId}", error="invalid_token", error_description="${check.message.replace(/"/g, "'")}"`,
        });
      }
    }
    if (area === 'arm') {
      const versionError = apiVersionError(request.query['api-version']);
      if (versionError) return versionError;
    }
    if (!found) return notFoundRoute(request.method, request.path);
    return found.route.handle(request, found.params);
  }

  return async function dispatch(message: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await readRequest(message);
    const record: RequestRecord = { method: request.method, path: request.path, status: 0, query: request.query, at: cloud.clock.now() };
    deps.requests.push(record);
    const found = findRoute(deps.routes, request.method, request.path);
    const area = found?.route.area ?? areaOfPath(request.path);
    record.area = faultAreaOf(area, request.method, request.path);

    const decision = deps.faults.decide(request.method, request.path, record.area);
    if (decision) record.fault = decision.kind;
    if (decision?.delayMs) await sleep(decision.delayMs);
    if (decision?.reset) {
      res.socket?.destroy();
      return;
    }

    let response: EmulatorResponse;
    try {
      response = await respond(request, area, found, decision);
    } catch (error) {
      response = armError(
        500,
        'InternalServerError',
        `The emulator failed handling ${request.method} ${request.path}: ${(error as Error).message}`,
      );
    }
    if (decision?.lostResponse) {
      // The work is done (a PUT created what it created); only the answer never reaches the client.
      record.status = response.status;
      res.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = {
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id': String(request.headers['x-ms-correlation-request-id'] ?? randomUUID()),
      ...(request.headers['x-ms-client-request-id'] ? { 'x-ms-client-request-id': String(request.headers['x-ms-client-request-id']) } : {}),
      ...response.headers,
    };
    const text = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    if (response.body !== undefined && typeof response.body !== 'string') headers['Content-Type'] = 'application/json; charset=utf-8';
    res.writeHead(response.status, headers);
    res.end(text);
    record.status = response.status;

    if (found?.route.traffic && !decision?.status) {
      deps.traffic.add({
        liveRequest: {
          method: request.method,
          url: `${cloud.url}${message.url ?? request.path}`,
          headers: loggableHeaders(request.headers),
          body: request.body ?? {},
        },
        liveResponse: { statusCode: String(response.status), headers: loggableHeaders(headers), body: response.body ?? {} },
      });
    }
  };
}
