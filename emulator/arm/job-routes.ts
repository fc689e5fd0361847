import { createHash } from 'node:crypto';
import type { Cloud } from '../cloud';
import { armPage } from '../http/paging';
import type { EmulatorRequest, EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';
import { childState, JobRecord, JobStore, jobState } from '../jobs/store';
import type { ChildScenario, JobScenario } from '../types';
import { armError } from './errors';
import { checkJobBody } from './job-body';
import { childJobResource, jobResource } from './job-resource';
import { route, scopeError, SUBSCRIPTION, WORKSPACE } from './scope';

export interface JobRouteDeps {
  cloud: Cloud;
  store: JobStore;
  defaultScenario: () => JobScenario;
  /** Pipeline jobs: an error response when a node names a component, compute or data asset the workspace lacks. */
  checkPipeline?: (properties: Record<string, unknown>) => EmulatorResponse | undefined;
}

/** The 404 Azure ML gives for a job name it does not know. */
const jobNotFound = (name: string) => armError(404, 'UserError', `Job ${name} not found.`);

/** A stable GUID-shaped run id for a pipeline node (real child run ids are GUIDs). */
export function childRunId(jobName: string, node: string): string {
  const h = createHash('sha256').update(`${jobName}/${node}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Children of a pipeline job created through ARM: one per node in `properties.jobs`, walking the
 * default scenario's child of the same display name when there is one.
 */
function scenarioFor(name: string, properties: Record<string, unknown>, template: JobScenario): JobScenario {
  const scenario = structuredClone(template);
  const nodes = properties.jobs && typeof properties.jobs === 'object' ? Object.keys(properties.jobs) : [];
  if (nodes.length === 0) return { ...scenario, children: [] };
  const children: ChildScenario[] = nodes.map((node) => {
    const shaped = template.children?.find((c) => c.displayName === node);
    return { outcome: 'Completed', ...shaped, name: childRunId(name, node), displayName: node };
  });
  return { ...scenario, children };
}

export function jobRoutes(deps: JobRouteDeps): Route[] {
  const { cloud, store } = deps;
  const inScope = (s: string, rg: string, ws: string) => scopeError(cloud, s, rg, ws);

  const getJob = (name: string): EmulatorResponse => {
    const now = cloud.clock.now();
    const job = store.get(name);
    if (job) return json(200, jobResource(cloud, job, jobState(job, now)));
    const child = store.findChild(name);
    if (child) return json(200, childJobResource(cloud, child, childState(child, now)));
    return jobNotFound(name);
  };

  const putJob = (req: EmulatorRequest, name: string): EmulatorResponse => {
    if (req.bodyError) return armError(400, 'UserError', `The request body is not valid JSON: ${req.bodyError}`);
    const check = checkJobBody(req.body);
    if (!check.ok) return armError(400, 'UserError', check.message);
    const { status: _status, ...properties } = check.properties;
    const existing = store.get(name);
    if (!existing && properties.jobType === 'Pipeline') {
      const referenceError = deps.checkPipeline?.(properties);
      if (referenceError) return referenceError;
    }
    if (existing) {
      // Only the mutable parts of a job change on re-PUT; the run itself goes on.
      existing.tags = (properties.tags as Record<string, string>) ?? existing.tags;
      existing.isArchived = properties.isArchived === true;
      return json(200, jobResource(cloud, existing, jobState(existing, cloud.clock.now())));
    }
    const record: JobRecord = {
      name,
      createdAt: cloud.clock.now(),
      scenario: scenarioFor(name, properties, deps.defaultScenario()),
      jobType: String(properties.jobType),
      displayName: typeof properties.displayName === 'string' ? properties.displayName : undefined,
      experimentName: typeof properties.experimentName === 'string' && properties.experimentName ? properties.experimentName : 'Default',
      tags: (properties.tags as Record<string, string>) ?? {},
      isArchived: properties.isArchived === true,
      properties,
    };
    store.add(record);
    return json(201, jobResource(cloud, record, jobState(record, record.createdAt)), {
      Location: `${cloud.url}${req.path}?api-version=${req.query['api-version']}`,
    });
  };

  const listJobs = (req: EmulatorRequest): EmulatorResponse => {
    const now = cloud.clock.now();
    const { jobType, tag, listViewType = 'ActiveOnly' } = req.query;
    const [tagKey, tagValue] = (tag ?? '').split('=', 2);
    const matching = store.list().filter((job) => {
      if (jobType && job.jobType.toLowerCase() !== jobType.toLowerCase()) return false;
      if (tag && !(tagKey in job.tags && (tagValue === undefined || job.tags[tagKey] === tagValue))) return false;
      if (listViewType === 'ActiveOnly') return !job.isArchived;
      if (listViewType === 'ArchivedOnly') return job.isArchived;
      return true;
    });
    return armPage(
      req,
      matching.map((job) => jobResource(cloud, job, jobState(job, now))),
      { baseUrl: cloud.url, pageSize: cloud.pageSize },
    );
  };

  const cancelJob = (name: string): EmulatorResponse => {
    if (!store.get(name)) return jobNotFound(name);
    store.requestCancel(name);
    return {
      status: 202,
      headers: {
        Location: `${cloud.url}/subscriptions/${cloud.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${cloud.location}/mfeOperationResults/jc:${encodeURIComponent(name)}?api-version=2022-10-01`,
      },
    };
  };

  return [
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/jobs`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws]) => inScope(s, rg, ws) ?? listJobs(req),
    },
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/jobs/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name]) => inScope(s, rg, ws) ?? getJob(name),
    },
    {
      method: 'PUT',
      pattern: route(`${WORKSPACE}/jobs/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws, name]) => inScope(s, rg, ws) ?? putJob(req, name),
    },
    {
      method: 'POST',
      pattern: route(`${WORKSPACE}/jobs/([^/]+)/cancel`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name]) => inScope(s, rg, ws) ?? cancelJob(name),
    },
    {
      // Where the cancel's Location points: the cancel request itself is accepted at once.
      method: 'GET',
      pattern: route(`${SUBSCRIPTION}/providers/Microsoft\\.MachineLearningServices/locations/([^/]+)/mfeOperationResults/([^/]+)`),
      area: 'arm',
      handle: (_req, [s]) => scopeError(cloud, s) ?? { status: 200 },
    },
  ];
}
