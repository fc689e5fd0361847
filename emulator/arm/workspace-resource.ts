import { createHash } from 'node:crypto';
import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';

/** azureml://<host>/mlflow/v1.0/<workspace ARM id>, as the real service reports it. */
export const mlflowTrackingUri = (cloud: Cloud, resourceGroup = cloud.resourceGroup, name = cloud.workspaceName) =>
  `azureml://${cloud.host}/mlflow/v1.0${workspaceArmId(cloud, resourceGroup, name)}`;

/** A stable GUID-shaped workspace id for a workspace other than the seeded one. */
function extraWorkspaceId(resourceGroup: string, name: string): string {
  const h = createHash('sha256').update(`${resourceGroup.toLowerCase()}/${name.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A workspace as GET returns it: enough of the 2022-10-01 Workspace for the SDK and the spec. The
 * seeded workspace by default; another one (`emulator.workspaces.add`) by resource group and name.
 */
export function workspaceResource(cloud: Cloud, resourceGroup = cloud.resourceGroup, name = cloud.workspaceName) {
  const rg = `/subscriptions/${cloud.subscriptionId}/resourceGroups/${resourceGroup}`;
  const seeded = resourceGroup === cloud.resourceGroup && name === cloud.workspaceName;
  return {
    id: workspaceArmId(cloud, resourceGroup, name),
    name,
    type: 'Microsoft.MachineLearningServices/workspaces',
    location: cloud.location,
    tags: {},
    identity: { type: 'SystemAssigned', principalId: '9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a', tenantId: cloud.tenantId },
    sku: { name: 'Basic', tier: 'Basic' },
    systemData: {
      createdAt: '2024-01-01T00:00:00.0000000Z',
      createdBy: 'mlops-admin@emulator.example',
      createdByType: 'User',
      lastModifiedAt: '2024-01-01T00:00:00.0000000Z',
      lastModifiedBy: 'mlops-admin@emulator.example',
      lastModifiedByType: 'User',
    },
    properties: {
      friendlyName: name,
      description: 'Azure ML emulator workspace',
      storageAccount: `${rg}/providers/Microsoft.Storage/storageAccounts/stmlopsemulator`,
      keyVault: `${rg}/providers/Microsoft.KeyVault/vaults/kv-mlops-emulator`,
      applicationInsights: `${rg}/providers/Microsoft.insights/components/appi-mlops-emulator`,
      containerRegistry: `${rg}/providers/Microsoft.ContainerRegistry/registries/crmlopsemulator`,
      workspaceId: seeded ? cloud.workspaceId : extraWorkspaceId(resourceGroup, name),
      discoveryUrl: `${cloud.url}/discovery`,
      mlFlowTrackingUri: mlflowTrackingUri(cloud, resourceGroup, name),
      provisioningState: 'Succeeded',
      hbiWorkspace: false,
      allowPublicAccessWhenBehindVnet: false,
      publicNetworkAccess: 'Enabled',
      privateLinkCount: 0,
      privateEndpointConnections: [],
      sharedPrivateLinkResources: [],
      tenantId: cloud.tenantId,
      storageHnsEnabled: false,
      v1LegacyMode: false,
    },
  };
}
