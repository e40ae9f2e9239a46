import { EightballError } from '../domain/index.ts';
import type { Mailer } from '../notify/mailer.ts';
import {
  getBatch,
  getDataSource,
  getReportById,
  pendingBatchItems,
  reportsImportedSince,
  type Store,
  saveBatchResults,
  savePredictions,
} from '../store/index.ts';
import { writeBack } from '../trackers/writeback.ts';
import {
  getTask,
  inputFromReport,
  listTasks,
  type Predictor,
  type ReportInput,
  storedPredictions,
  type TaskName,
  type TrainOutcome,
  trackerOf,
} from '../triage/index.ts';
import { CHUNK_SIZE } from './batches.ts';
import { importFile } from './import-file.ts';
import { notifyWatchers } from './notify.ts';
import type { JobHandlers, JobQueue } from './queue.ts';
import { sourceKind, type TrackerSecrets } from './source-kinds/index.ts';
import { runTraining } from './training-threads.ts';

/** Reports filed longer ago than this are history, not news: an import classifies and announces only newer ones. */
export const NEWS_DAYS = 7;
const NEWS_LIMIT = 10_000;

/**
 * After an import: classify the reports it brought that were filed lately, store the answers and
 * queue the e-mail to whoever watches where they landed.
 */
async function classifyNewReports(s: HandlerServices, source: string, since: string): Promise<number> {
  if ((await s.predictor.models()).size === 0) return 0;
  const filedSince = new Date(Date.now() - NEWS_DAYS * 86_400_000).toISOString();
  const fresh = await reportsImportedSince(s.store.db, source, since, filedSince, NEWS_LIMIT);
  for (const { id, report } of fresh) {
    const c = await s.predictor.classify(inputFromReport(report), { similar: 0, source: trackerOf(report) });
    await savePredictions(s.store.db, id, storedPredictions(c), new Date().toISOString());
    await s.queue.enqueue(
      'notify',
      { reportId: id },
      { dedupKey: `notify:${id}`, attempts: 5, backoffMs: 5000 },
    );
  }
  return fresh.length;
}

export interface HandlerServices {
  store: Store;
  predictor: Predictor;
  queue: JobQueue;
  /** e-mail to watchers; without it, notify jobs fail with a message naming EIGHTBALL_SMTP_URL */
  mailer?: Mailer | undefined;
  /** where the web app is reached, for links in e-mail */
  baseUrl?: string;
  /** the trackers' tokens (config file or EIGHTBALL_* variables) */
  secrets?: TrackerSecrets | undefined;
  /** the database's URL, for the thread a train or evaluate job runs in; without it they run here */
  databaseUrl?: string | undefined;
  /** threads a train or evaluate job's fit may use (default 1): the worker process's setting */
  threads?: number;
}

function obj(data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null)
    throw new EightballError('usage', 'job data must be an object');
  return data as Record<string, unknown>;
}

/**
 * Every job eightball runs, by name. The same handlers run in `eightball worker`, inside
 * `eightball serve` (embedded queue) and on BullMQ workers.
 */
export function jobHandlers(s: HandlerServices): JobHandlers {
  return {
    async train(data, ctx) {
      const d = obj(data);
      const tasks: TaskName[] = d.task
        ? [(await getTask(s.store, String(d.task))).name]
        : (await listTasks(s.store)).map((t) => t.name);
      const out = [];
      let failure: EightballError | null = null;
      for (const task of tasks) {
        let r: TrainOutcome;
        try {
          r = (await runTraining(
            s.store,
            {
              kind: 'train',
              databaseUrl: s.databaseUrl ?? '',
              ...(s.threads !== undefined ? { threads: s.threads } : {}),
              task,
              options: {
                force: d.force === true,
                // the job's id: a second run of this job (after a crash, a lost lock) stores nothing again
                runKey: `job:${ctx.id}:${task}`,
                ...(typeof d.sentenceEncoder === 'string' ? { sentenceEncoder: d.sentenceEncoder } : {}),
              },
            },
            (what, done, total) => {
              void ctx.progress({ done, total, message: `${task}: ${what}` });
            },
            ctx.signal,
          )) as TrainOutcome;
        } catch (e) {
          // a task its labels cannot train (none, or one) must not keep the others from training
          if (!(e instanceof EightballError && e.code === 'rejected') || tasks.length === 1) throw e;
          failure = e;
          out.push({ task, trained: false, reason: e.message });
          continue;
        }
        out.push({
          task,
          version: r.version,
          activated: r.activated,
          reason: r.reason,
          accuracy: r.accuracy,
          macroF1: r.macroF1,
        });
      }
      if (failure && out.every((o) => 'trained' in o)) throw failure;
      return out;
    },

    // a batch fans out into chunks of 100, so every worker shares it
    async 'classify-batch'(data) {
      const d = obj(data);
      const batchId = Number(d.batchId);
      const batch = await getBatch(s.store.db, batchId);
      if (!batch) throw new EightballError('not-found', `batch ${batchId} not found`);
      const chunks: string[] = [];
      for (let from = 0; from < batch.total; from += CHUNK_SIZE) {
        const job = await s.queue.enqueue(
          'classify-chunk',
          { batchId, from, to: Math.min(batch.total, from + CHUNK_SIZE) },
          { dedupKey: `batch:${batchId}:${from}`, attempts: 5 },
        );
        chunks.push(job.id);
      }
      return { batchId, chunks: chunks.length };
    },

    async 'classify-chunk'(data, ctx) {
      const d = obj(data);
      const batchId = Number(d.batchId);
      const items = await pendingBatchItems(s.store.db, batchId, Number(d.from), Number(d.to));
      const results = [];
      for (const item of items) {
        if (ctx.signal.aborted) throw new Error('stopped');
        const c = await s.predictor.classify(item.input as ReportInput, { similar: 3 });
        results.push({ idx: item.idx, result: c });
      }
      const written = await saveBatchResults(
        s.store.db,
        batchId,
        results,
        ctx.workerId,
        new Date().toISOString(),
      );
      await ctx.progress({
        done: items.length,
        total: items.length,
        message: `batch ${batchId} items ${String(d.from)}-${String(d.to)}`,
      });
      return { batchId, classified: written };
    },

    async 'import-source'(data, ctx) {
      const d = obj(data);
      const source = await getDataSource(s.store.db, Number(d.sourceId));
      if (!source) throw new EightballError('not-found', `data source ${String(d.sourceId)} not found`);
      const onProgress = (p: { records: number; bytesRead?: number; bytesTotal?: number }) => {
        void ctx.progress({
          done: p.bytesRead ?? p.records,
          total: p.bytesTotal ?? 0,
          message: `${source.name}: ${p.records} records`,
        });
      };
      const started = new Date().toISOString();
      const kind = sourceKind(source.kind);
      const r = await kind.sync(s.store, source, {
        signal: ctx.signal,
        onProgress,
        secrets: s.secrets ?? {},
      });
      const sourceName = kind.storedAs(source.name);
      return {
        source: source.name,
        imported: r.imported,
        updated: r.updated,
        unchanged: r.unchanged,
        rejected: r.rejected,
        classified: await classifyNewReports(s, sourceName, started),
      };
    },

    async evaluate(data, ctx) {
      const d = obj(data);
      return runTraining(
        s.store,
        {
          kind: 'evaluate',
          databaseUrl: s.databaseUrl ?? '',
          ...(s.threads !== undefined ? { threads: s.threads } : {}),
          task: (await getTask(s.store, String(d.task ?? ''))).name,
          options: typeof d.sentenceEncoder === 'string' ? { sentenceEncoder: d.sentenceEncoder } : {},
        },
        (what, done, total) => {
          void ctx.progress({ done, total, message: what });
        },
        ctx.signal,
      );
    },

    // stored reports (old ones, or a fresh import's) classified from the reports page, a chunk a job
    async 'classify-reports'(data, ctx) {
      const d = obj(data);
      const ids = Array.isArray(d.ids) ? d.ids.map(Number).filter((n) => Number.isInteger(n) && n > 0) : [];
      if ((await s.predictor.models()).size === 0)
        throw new EightballError('unavailable', 'no active model: train one first');
      let done = 0;
      for (const id of ids) {
        if (ctx.signal.aborted) throw new Error('stopped');
        const stored = await getReportById(s.store.db, id);
        if (!stored) continue;
        const c = await s.predictor.classify(inputFromReport(stored.report), {
          similar: 0,
          excludeId: id,
          source: trackerOf(stored.report),
        });
        await savePredictions(s.store.db, id, storedPredictions(c), new Date().toISOString());
        done++;
        if (done % 20 === 0)
          await ctx.progress({ done, total: ids.length, message: `${done} of ${ids.length} reports` });
      }
      return { classified: done, missing: ids.length - done };
    },

    // a webhook delivery's report: classify it, tell its watchers when it is new, write back
    async 'triage-report'(data) {
      const d = obj(data);
      const reportId = Number(d.reportId);
      const stored = await getReportById(s.store.db, reportId);
      if (!stored) throw new EightballError('not-found', `report ${reportId} not found`);
      if ((await s.predictor.models()).size === 0)
        return { reportId, classified: false, reason: 'no active model' };
      const c = await s.predictor.classify(inputFromReport(stored.report), {
        similar: 0,
        excludeId: reportId,
        source: trackerOf(stored.report),
      });
      await savePredictions(s.store.db, reportId, storedPredictions(c), new Date().toISOString());
      if (d.created === true)
        await s.queue.enqueue(
          'notify',
          { reportId },
          { dedupKey: `notify:${reportId}`, attempts: 5, backoffMs: 5000 },
        );
      const base = s.baseUrl ?? 'http://127.0.0.1:8080';
      const writeback = await writeBack(s.store, reportId, c.answers, {
        secrets: s.secrets ?? {},
        link: (id) => `${base}/reports/${id}`,
      });
      return { reportId, classified: true, writeback };
    },

    async notify(data) {
      const d = obj(data);
      return notifyWatchers(s.store, s.mailer, Number(d.reportId), s.baseUrl ?? 'http://127.0.0.1:8080');
    },

    async 'import-file'(data, ctx) {
      const d = obj(data);
      if (typeof d.path !== 'string') throw new EightballError('usage', 'import-file needs a path');
      const r = await importFile(s.store, {
        path: d.path,
        ...(typeof d.source === 'string' ? { source: d.source } : {}),
        signal: ctx.signal,
        onProgress: (p) => {
          void ctx.progress({
            done: p.bytesRead ?? p.records,
            total: p.bytesTotal ?? 0,
            message: `${p.records} records`,
          });
        },
      });
      return { imported: r.imported, updated: r.updated, unchanged: r.unchanged, rejected: r.rejected };
    },
  };
}
