import { UserError } from '../task/user-error';

/**
 * Preflight decisions, pure: what Azure ML would refuse minutes into a deployment (or accept and then
 * fail with ResourceNotReady), refused here in one line before anything is written.
 */
interface ComputeFacts {
  computeType?: string;
  provisioningState?: string;
  instanceTypes: string[];
  defaultInstanceType?: string;
}

/** The instance type to deploy with on a Kubernetes compute (the manifest's, else the compute's default). */
export function kubernetesPreflight(
  computeName: string,
  workspace: string,
  facts: ComputeFacts | undefined,
  instanceType: string | null,
): string | undefined {
  if (!facts) {
    throw new UserError(
      `'computeName' is '${computeName}', but workspace '${workspace}' has no compute of that name; attach the AKS cluster as a Kubernetes compute first (Azure ML studio > Compute > Kubernetes clusters)`,
    );
  }
  if (facts.computeType !== 'Kubernetes') {
    throw new UserError(
      `'computeName' is '${computeName}', which is of type ${facts.computeType ?? 'unknown'}; a Kubernetes online endpoint needs a Kubernetes compute (an attached AKS or Arc cluster)`,
    );
  }
  if (facts.provisioningState && facts.provisioningState !== 'Succeeded') {
    throw new UserError(
      `Kubernetes compute '${computeName}' is ${facts.provisioningState}, not Succeeded; fix the attachment before deploying`,
    );
  }
  const wanted = instanceType ?? facts.defaultInstanceType;
  if (wanted && facts.instanceTypes.length > 0 && !facts.instanceTypes.some((t) => t.toLowerCase() === wanted.toLowerCase())) {
    throw new UserError(
      `The package's instance type '${wanted}' does not exist on Kubernetes compute '${computeName}'; it has ${facts.instanceTypes.join(', ')}. Package again with one of them ('instanceType' of AzureMLPackageModel@1) or create the instance type on the cluster`,
    );
  }
  return wanted ?? undefined;
}

/**
 * VM sizes managed online endpoints accept (Azure ML's "managed online endpoints SKU list"; the
 * common general-purpose, compute/memory-optimized and GPU ones). A size missing here is refused
 * with the way around it, rather than failing after minutes of provisioning.
 */
const MANAGED_SKUS = [
  'Standard_DS1_v2',
  'Standard_DS2_v2',
  'Standard_DS3_v2',
  'Standard_DS4_v2',
  'Standard_DS5_v2',
  'Standard_F2s_v2',
  'Standard_F4s_v2',
  'Standard_F8s_v2',
  'Standard_F16s_v2',
  'Standard_F32s_v2',
  'Standard_F48s_v2',
  'Standard_F64s_v2',
  'Standard_F72s_v2',
  'Standard_E2s_v3',
  'Standard_E4s_v3',
  'Standard_E8s_v3',
  'Standard_E16s_v3',
  'Standard_E32s_v3',
  'Standard_E48s_v3',
  'Standard_E64s_v3',
  'Standard_NC4as_T4_v3',
  'Standard_NC6s_v3',
  'Standard_NC8as_T4_v3',
  'Standard_NC12s_v3',
  'Standard_NC16as_T4_v3',
  'Standard_NC24s_v3',
  'Standard_NC64as_T4_v3',
];

export function managedPreflight(instanceType: string | null): string {
  if (!instanceType) {
    throw new UserError(
      `The package has no instance type, which a managed online deployment needs (a VM size such as Standard_DS3_v2); package again with 'instanceType' set`,
    );
  }
  const match = MANAGED_SKUS.find((s) => s.toLowerCase() === instanceType.toLowerCase());
  if (!match) {
    throw new UserError(
      `The package's instance type '${instanceType}' is not a VM size managed online endpoints support; use one such as Standard_DS3_v2, Standard_F4s_v2 or Standard_E4s_v3 (package again with 'instanceType')`,
    );
  }
  return match;
}
