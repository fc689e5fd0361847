import type { Cloud } from '../cloud';
import type { Route } from '../http/types';
import { json } from '../http/types';
import { route, scopeError, SUBSCRIPTION, WORKSPACE, WORKSPACES } from './scope';
import { workspaceResource } from './workspace-resource';

export function workspaceRoutes(cloud: Cloud): Route[] {
  return [
    {
      method: 'GET',
      pattern: route(`${SUBSCRIPTION}/providers/Microsoft\\.MachineLearningServices/workspaces`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s]) => scopeError(cloud, s) ?? json(200, { value: [workspaceResource(cloud)] }),
    },
    {
      method: 'GET',
      pattern: route(WORKSPACES),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg]) => scopeError(cloud, s, rg) ?? json(200, { value: [workspaceResource(cloud)] }),
    },
    {
      method: 'GET',
      pattern: route(WORKSPACE),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws]) => scopeError(cloud, s, rg, ws) ?? json(200, workspaceResource(cloud)),
    },
  ];
}
