import { Cron } from 'croner';
import { EightballError } from '../domain/index.ts';
import { listDataSources, markScheduled, type Store } from '../store/index.ts';
import type { JobQueue } from './queue.ts';

/** Check a cron expression the way the scheduler will read it; the message names what is wrong. */
export function checkSchedule(expr: string): void {
  try {
    new Cron(expr, { paused: true }).stop();
  } catch (e) {
    throw EightballError.about('schedule', 'usage', `schedule: ${(e as Error).message}`);
  }
}

/** The latest time at or before `now` the schedule fired after `since`, or null when it has not. */
export function dueTick(expr: string, since: Date, now: Date): Date | null {
  const cron = new Cron(expr, { paused: true });
  let tick: Date | null = null;
  let next = cron.nextRun(since);
  // runs missed while nothing was running collapse into one: the newest
  for (let i = 0; next && next <= now && i < 10_000; i++) {
    tick = next;
    next = cron.nextRun(next);
  }
  cron.stop();
  return tick;
}

/**
 * Enqueue each data source's import when its schedule says so. Every server and worker may run
 * this: a compare-and-set on the source's last tick lets exactly one of them enqueue each run.
 */
export function startScheduler(
  store: Store,
  queue: JobQueue,
  opts: { intervalMs?: number; onError?: (e: unknown) => void } = {},
): { stop(): void; tick(now?: Date): Promise<number> } {
  const tick = async (now = new Date()): Promise<number> => {
    let queued = 0;
    for (const s of await listDataSources(store.db)) {
      if (!s.schedule) continue;
      let due: Date | null;
      try {
        due = dueTick(s.schedule, new Date(s.last_scheduled ?? s.created_at), now);
      } catch {
        continue; // refused when the source was added; never fatal to the scheduler
      }
      if (!due || !(await markScheduled(store.db, s.id, due.toISOString()))) continue;
      await queue.enqueue(
        'import-source',
        { sourceId: s.id },
        { dedupKey: `source:${s.id}`, attempts: 3, backoffMs: 60_000 },
      );
      queued++;
    }
    return queued;
  };
  const timer = setInterval(() => {
    tick().catch((e) => opts.onError?.(e));
  }, opts.intervalMs ?? 30_000);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
