import type { Cloud } from '../cloud';
import { findResourceGroup } from '../cloud';
import type { EmulatorResponse } from '../http/types';
import { armError } from './errors';

/** Path fragments of ARM routes; ARM matches segment names case-insensitively. */
export const SUBSCRIPTION = '/subscriptions/([^/]+)';
export const RESOURCE_GROUP = `${SUBSCRIPTION}/resourceGroups/([^/]+)`;
export const WORKSPACES = `${RESOURCE_GROUP}/providers/Microsoft\\.MachineLearningServices/workspaces`;
export const WORKSPACE = `${WORKSPACES}/([^/]+)`;

export const route = (pattern: string) => new RegExp(`^${pattern}/?$`, 'i');

/**
 * The 404s ARM gives for a subscription, resource group or workspace that does not exist. Any
 * resource group of the subscription passes; a workspace passes only if it is the seeded one, the
 * only workspace that holds anything (the others are only listed and read, by the workspace routes).
 */
export function scopeError(cloud: Cloud, subscription: string, resourceGroup?: string, workspace?: string): EmulatorResponse | undefined {
  if (subscription.toLowerCase() !== cloud.subscriptionId) {
    return armError(404, 'SubscriptionNotFound', `The subscription '${subscription}' could not be found.`);
  }
  if (resourceGroup !== undefined && !findResourceGroup(cloud, resourceGroup)) {
    return armError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
  }
  const seeded =
    resourceGroup?.toLowerCase() === cloud.resourceGroup.toLowerCase() && workspace?.toLowerCase() === cloud.workspaceName.toLowerCase();
  if (workspace !== undefined && !seeded) {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.MachineLearningServices/workspaces/${workspace}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }
  return undefined;
}

/** ARM refuses any request without a well-formed api-version before routing to a provider. */
export function apiVersionError(apiVersion: string | undefined): EmulatorResponse | undefined {
  if (!apiVersion) {
    return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  }
  if (!/^\d{4}-\d{2}-\d{2}(-preview|-privatepreview)?$/.test(apiVersion)) {
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${apiVersion}' is invalid. The supported versions are '2022-10-01' and later.`,
    );
  }
  return undefined;
}
