/**
 * For the long-running processes (serve, worker): an error that escapes a request or a job is
 * logged, and the process goes on serving. One bad request must never end the server, and with it
 * every request in hand.
 */
export function keepAliveOnStrayErrors(who: string): void {
  const report = (kind: string) => (e: unknown) => {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`eightball ${who}: ${kind} (the process goes on): ${text}\n`);
  };
  process.on('unhandledRejection', report('unhandled rejection'));
  process.on('uncaughtException', report('uncaught exception'));
}

/**
 * A child started by a server (the embedded queue's job worker) ends when its server does, even
 * when the server was killed with SIGKILL and could not say so: the IPC channel then closes.
 */
export function endWithParent(onParentGone: () => void): void {
  if (process.env.EIGHTBALL_END_WITH_PARENT !== '1' || !process.send) return;
  // the server may have died while this process was still starting
  if (!process.connected) return void setImmediate(onParentGone);
  process.once('disconnect', onParentGone);
  // the channel only listens: it must not keep a stopped worker alive
  process.channel?.unref();
}

/**
 * After a long-running command has stopped cleanly: end the process even if a library left a
 * timer behind (a Redis client that went away keeps trying to reconnect). A stop must stop.
 */
export function exitSoonAfterStop(graceMs = 2000): void {
  setTimeout(
    () => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0),
    graceMs,
  ).unref();
}
