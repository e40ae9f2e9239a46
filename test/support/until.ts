/** Wait until `check` holds, polling; fail naming what was awaited when it does not in time. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
  everyMs = 50,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Wait until every job of the queue has ended, and fail naming the errors of any that died. */
export async function jobsSettled(queue: {
  list(o: { limit: number }): Promise<{ state: string; error?: string | null }[]>;
}): Promise<void> {
  await until('the queued jobs', async () =>
    (await queue.list({ limit: 200 })).every((j) => j.state === 'completed' || j.state === 'dead'),
  );
  const dead = (await queue.list({ limit: 200 })).filter((j) => j.state === 'dead');
  if (dead.length > 0) throw new Error(`jobs died: ${dead.map((j) => j.error).join('; ')}`);
}
