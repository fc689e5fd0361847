import type { Cloud } from '../cloud';
import { findResourceGroup, workspaceNames } from '../cloud';
import { armPage } from '../http/paging';
import type { EmulatorRequest, Route } from '../http/types';
import { json } from '../http/types';
import { route, scopeError, SUBSCRIPTION, WORKSPACE, WORKSPACES } from './scope';
import { workspaceResource } from './workspace-resource';

export function workspaceRoutes(cloud: Cloud): Route[] {
  const list = (req: EmulatorRequest, resourceGroup?: string) =>
    armPage(
      req,
      workspaceNames(cloud, resourceGroup).map((w) => workspaceResource(cloud, w.resourceGroup, w.name)),
      { baseUrl: cloud.url, pageSize: cloud.pageSize },
    );
  return [
    {
      method: 'GET',
      pattern: route(`${SUBSCRIPTION}/providers/Microsoft\\.MachineLearningServices/workspaces`),
      area: 'arm',
      traffic: true,
      handle: (req, [s]) => scopeError(cloud, s) ?? list(req),
    },
    {
      method: 'GET',
      pattern: route(WORKSPACES),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg]) => scopeError(cloud, s, rg) ?? list(req, rg),
    },
    {
      method: 'GET',
      pattern: route(WORKSPACE),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws]) => {
        // Any workspace of the subscription can be read; only the seeded one holds anything.
        const found = workspaceNames(cloud, findResourceGroup(cloud, rg) ?? rg).find((w) => w.name.toLowerCase() === ws.toLowerCase());
        if (found && !scopeError(cloud, s, rg)) return json(200, workspaceResource(cloud, found.resourceGroup, found.name));
        return scopeError(cloud, s, rg, ws) ?? json(200, workspaceResource(cloud));
      },
    },
  ];
}
