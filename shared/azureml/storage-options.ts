import type { StoragePipelineOptions } from '@azure/storage-blob';
import type { HttpClientOptions } from '../http/agent-http-options';
import { DEFAULT_RETRY } from '../http/retry-policy';

/**
 * Options for a storage client (BlobServiceClient, ContainerClient, BlobClient): the agent's proxy
 * and TLS settings for its URL, and the retry budget every other call has. Storage keeps its own
 * retry policy (it knows the service's 503 ServerBusy and re-reads file streams per try).
 */
export function storageClientOptions(http: ((url: string) => HttpClientOptions) | undefined, serviceUrl: string): StoragePipelineOptions {
  const retryOptions = {
    maxTries: DEFAULT_RETRY.maxRetries + 1,
    retryDelayInMs: DEFAULT_RETRY.baseDelayMs,
    maxRetryDelayInMs: DEFAULT_RETRY.maxDelayMs,
  };
  return { ...(http ? http(serviceUrl) : {}), retryOptions } as StoragePipelineOptions;
}
