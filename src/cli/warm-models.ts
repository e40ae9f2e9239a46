import type { Predictor } from '../triage/index.ts';

/** A few classifications of made-up text, whose answers are thrown away: the JIT compiles the path. */
export async function warmUp(predictor: Predictor): Promise<void> {
  const words =
    'crash when opening a page with a broken image after the update the window hangs and the log shows an error';
  for (let i = 0; i < 30; i++) {
    const text = words
      .split(' ')
      .slice(i % 7)
      .join(' ');
    await predictor
      .classify({ summary: text.slice(0, 60), description: `${text} ${i}` }, { similar: 5 })
      .catch(() => undefined);
  }
}

/**
 * Keep a server's models current between requests: every `everyMs` the predictor looks for a
 * version activated anywhere (a worker's train job, another server's admin page), loads it, and
 * `onSwap` warms it. Without this the first request after an activation loaded the new version
 * itself (at a million reports, 0.6-0.7 s of parsing) and met a cold path. Returns a stop function.
 */
export function keepModelsFresh(
  predictor: Predictor,
  everyMs: number,
  onSwap: () => Promise<void> = () => warmUp(predictor),
): () => void {
  let seen: string | null = null;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void predictor
      .models()
      .then(async (models) => {
        const ids = [...models.values()].map((m) => m.row.id).join(',');
        if (seen !== null && ids !== seen) await onSwap();
        seen = ids;
      })
      // a database hiccup leaves the models as they were; the next tick tries again
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
