import type { Cloud } from '../cloud';
import { pageOf } from '../http/paging';
import type { EmulatorRequest, EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';
import { childState, JobStore, jobState } from '../jobs/store';
import type { RunState } from '../jobs/simulator';
import { stableGuid } from './run-body';

const MLFLOW =
  '^/mlflow/v1\\.0/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)/api/2\\.0/mlflow';
const DEFAULT_SEARCH_RESULTS = 1000;

const mlflowStatus = (status: string) =>
  (({ Completed: 'FINISHED', Failed: 'FAILED', Canceled: 'KILLED' }) as Record<string, string>)[status] ?? 'RUNNING';

/** What one MLflow run is made of, whether a job or a pipeline step. */
interface RunFacts {
  runId: string;
  experimentName: string;
  parentRunId?: string;
  state: RunState;
  createdAt: number;
  /** Every logged value per key, in order; the last is what runs/get reports. */
  history: Record<string, number[]>;
}

/** A scenario's metrics as histories: `metricHistory` wins, `metrics` is a one-value history. */
function histories(
  metrics: Record<string, number> | undefined,
  metricHistory: Record<string, number[]> | undefined,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(metrics ?? {})) out[k] = [v];
  for (const [k, v] of Object.entries(metricHistory ?? {})) if (v.length > 0) out[k] = [...v];
  return out;
}

const mlflowError = (status: number, code: string, message: string): EmulatorResponse => json(status, { error_code: code, message });

/**
 * MLflow on the workspace's tracking URI (azureml:// → https://), shapes as the MLflow REST API 2.0
 * documents them: runs/get, metrics/get-history and runs/search. Metrics come from the job scenario.
 */
export function mlflowRoutes(cloud: Cloud, store: JobStore): Route[] {
  const find = (runId: string): RunFacts | undefined => {
    const now = cloud.clock.now();
    const job = store.get(runId);
    if (job) {
      return {
        runId,
        experimentName: job.experimentName,
        state: jobState(job, now),
        createdAt: job.createdAt,
        history: histories(job.scenario.metrics, job.scenario.metricHistory),
      };
    }
    const ref = store.findChild(runId);
    if (!ref) return undefined;
    return {
      runId,
      experimentName: ref.parent.experimentName,
      parentRunId: ref.parent.name,
      state: childState(ref, now),
      createdAt: ref.parent.createdAt,
      history: histories(ref.child.metrics, ref.child.metricHistory),
    };
  };

  const allRuns = (): RunFacts[] =>
    store
      .list()
      .flatMap((job) => [job.name, ...(job.scenario.children ?? []).map((c) => c.name)])
      .map((id) => find(id)!);

  /** Values of one metric are logged one step apart, ending when the run ended (or was last seen). */
  const metricPoints = (f: RunFacts, key: string) => {
    const values = f.history[key] ?? [];
    const end = f.state.endedAt ?? f.createdAt;
    return values.map((value, step) => ({ key, value, timestamp: end - (values.length - 1 - step) * 1000, step }));
  };

  const run = (f: RunFacts) => ({
    info: {
      run_id: f.runId,
      run_uuid: f.runId,
      run_name: f.runId,
      experiment_id: stableGuid(f.experimentName),
      user_id: cloud.tenantId,
      status: mlflowStatus(f.state.status),
      start_time: f.state.startedAt ?? f.createdAt,
      ...(f.state.endedAt !== undefined ? { end_time: f.state.endedAt } : {}),
      artifact_uri: `azureml://experiments/${f.experimentName}/runs/${f.runId}/artifacts`,
      lifecycle_stage: 'active',
    },
    data: {
      metrics: Object.keys(f.history).map((key) => metricPoints(f, key).at(-1)!),
      params: [],
      tags: [{ key: 'mlflow.runName', value: f.runId }, ...(f.parentRunId ? [{ key: 'mlflow.parentRunId', value: f.parentRunId }] : [])],
    },
  });

  const runNotFound = (runId: string) => mlflowError(404, 'RESOURCE_DOES_NOT_EXIST', `Run '${runId}' not found.`);

  const search = (req: EmulatorRequest): EmulatorResponse => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as {
      experiment_ids?: unknown;
      filter?: unknown;
      max_results?: unknown;
      page_token?: unknown;
    };
    const filter = typeof body.filter === 'string' ? body.filter : '';
    const clauses = parseFilter(filter);
    if (!clauses)
      return mlflowError(
        400,
        'INVALID_PARAMETER_VALUE',
        `Invalid filter '${filter}': use clauses like tags.mlflow.parentRunId = 'id' or metrics.accuracy > 0.9 joined by AND.`,
      );
    const experiments = Array.isArray(body.experiment_ids) ? body.experiment_ids.map(String) : [];
    const max =
      typeof body.max_results === 'number' && body.max_results > 0
        ? Math.min(body.max_results, 50_000)
        : (cloud.pageSize ?? DEFAULT_SEARCH_RESULTS);
    const matching = allRuns()
      .map(run)
      .filter((r) => experiments.length === 0 || experiments.includes(r.info.experiment_id))
      .filter((r) => clauses.every((c) => c(r)));
    const page = pageOf(matching, { size: max, token: typeof body.page_token === 'string' ? body.page_token : undefined });
    return json(200, { runs: page.items, ...(page.next !== undefined ? { next_page_token: page.next } : {}) });
  };

  return [
    {
      method: 'GET',
      pattern: new RegExp(`${MLFLOW}/runs/get$`, 'i'),
      area: 'mlflow',
      handle: (req) => {
        const runId = req.query.run_id ?? req.query.run_uuid ?? '';
        const f = find(runId);
        return f ? json(200, { run: run(f) }) : runNotFound(runId);
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${MLFLOW}/metrics/get-history$`, 'i'),
      area: 'mlflow',
      handle: (req) => {
        const runId = req.query.run_id ?? req.query.run_uuid ?? '';
        const key = req.query.metric_key;
        if (!key) return mlflowError(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'metric_key'.");
        const f = find(runId);
        if (!f) return runNotFound(runId);
        return json(200, { metrics: metricPoints(f, key) });
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`${MLFLOW}/runs/search$`, 'i'),
      area: 'mlflow',
      handle: search,
    },
  ];
}

type RunJson = {
  info: Record<string, unknown>;
  data: { metrics: Array<{ key: string; value: number }>; tags: Array<{ key: string; value: string }> };
};

/**
 * The part of MLflow's search grammar the tasks and tests use: `<type>.<name> <op> <value>` clauses
 * joined by AND, type one of metrics, tags, attributes; strings in quotes, numbers bare.
 */
function parseFilter(filter: string): Array<(r: RunJson) => boolean> | undefined {
  if (filter.trim() === '') return [];
  const clauses: Array<(r: RunJson) => boolean> = [];
  for (const part of filter.split(/\s+and\s+/i)) {
    const m =
      /^\s*(metrics|metric|tags|tag|attributes|attribute|attr|run)\.(`[^`]+`|"[^"]+"|[\w.]+)\s*(=|!=|>=|<=|>|<)\s*('([^']*)'|"([^"]*)"|[-+]?\d*\.?\d+(?:e[-+]?\d+)?)\s*$/i.exec(
        part,
      );
    if (!m) return undefined;
    const [, type, rawName, op, rawValue, single, double] = m;
    const name = rawName.replace(/^[`"]|[`"]$/g, '');
    const text = single ?? double;
    const value: string | number = text !== undefined ? text : Number(rawValue);
    const compare = (actual: unknown) => {
      if (actual === undefined) return false;
      const a = typeof value === 'number' ? Number(actual) : String(actual);
      switch (op) {
        case '=':
          return a === value;
        case '!=':
          return a !== value;
        case '>':
          return a > value;
        case '>=':
          return a >= value;
        case '<':
          return a < value;
        default:
          return a <= value;
      }
    };
    const kind = type.toLowerCase();
    if (kind.startsWith('metric')) clauses.push((r) => compare(r.data.metrics.find((x) => x.key === name)?.value));
    else if (kind.startsWith('tag')) clauses.push((r) => compare(r.data.tags.find((x) => x.key === name)?.value));
    else clauses.push((r) => compare(r.info[name]));
  }
  return clauses;
}
