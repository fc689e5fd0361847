import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';

/** azureml://<host>/mlflow/v1.0/<workspace ARM id>, as the real service reports it. */
export const mlflowTrackingUri = (cloud: Cloud) => `azureml://${cloud.host}/mlflow/v1.0${workspaceArmId(cloud)}`;

/** The workspace as GET returns it: enough of the 2022-10-01 Workspace for the SDK and the spec. */
export function workspaceResource(cloud: Cloud) {
  const rg = `/subscriptions/${cloud.subscriptionId}/resourceGroups/${cloud.resourceGroup}`;
  return {
    id: workspaceArmId(cloud),
    name: cloud.workspaceName,
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
      friendlyName: cloud.workspaceName,
      description: 'Azure ML emulator workspace',
      storageAccount: `${rg}/providers/Microsoft.Storage/storageAccounts/stmlopsemulator`,
      keyVault: `${rg}/providers/Microsoft.KeyVault/vaults/kv-mlops-emulator`,
      applicationInsights: `${rg}/providers/Microsoft.insights/components/appi-mlops-emulator`,
      containerRegistry: `${rg}/providers/Microsoft.ContainerRegistry/registries/crmlopsemulator`,
      workspaceId: cloud.workspaceId,
      discoveryUrl: `${cloud.url}/discovery`,
      mlFlowTrackingUri: mlflowTrackingUri(cloud),
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
