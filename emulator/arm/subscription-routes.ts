import type { Cloud } from '../cloud';
import { findResourceGroup, resourceGroupNames } from '../cloud';
import { armPage } from '../http/paging';
import type { Route } from '../http/types';
import { json } from '../http/types';
import { RESOURCE_GROUP, route, scopeError, SUBSCRIPTION } from './scope';

/** Microsoft.Resources reads the classic editor's pickers make (subscription, resource groups). */
export function subscriptionRoutes(cloud: Cloud): Route[] {
  const subscription = () => ({
    id: `/subscriptions/${cloud.subscriptionId}`,
    subscriptionId: cloud.subscriptionId,
    tenantId: cloud.tenantId,
    displayName: cloud.subscriptionName,
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
  });
  const resourceGroup = (name: string) => ({
    id: `/subscriptions/${cloud.subscriptionId}/resourceGroups/${name}`,
    name,
    type: 'Microsoft.Resources/resourceGroups',
    location: cloud.location,
    properties: { provisioningState: 'Succeeded' },
  });
  return [
    {
      method: 'GET',
      pattern: route('/subscriptions'),
      area: 'arm',
      handle: () => json(200, { value: [subscription()], count: { type: 'Total', value: 1 } }),
    },
    { method: 'GET', pattern: route(SUBSCRIPTION), area: 'arm', handle: (_r, [s]) => scopeError(cloud, s) ?? json(200, subscription()) },
    {
      method: 'GET',
      pattern: route(`${SUBSCRIPTION}/resourceGroups`),
      area: 'arm',
      // Microsoft.Resources pages with $skiptoken (Azure ML's own lists use $skip).
      handle: (req, [s]) =>
        scopeError(cloud, s) ??
        armPage(req, resourceGroupNames(cloud).map(resourceGroup), {
          baseUrl: cloud.url,
          pageSize: cloud.pageSize,
          tokenParam: '$skiptoken',
        }),
    },
    {
      method: 'GET',
      pattern: route(RESOURCE_GROUP),
      area: 'arm',
      handle: (_r, [s, rg]) => scopeError(cloud, s, rg) ?? json(200, resourceGroup(findResourceGroup(cloud, rg) ?? rg)),
    },
  ];
}
