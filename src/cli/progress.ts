import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(done: number, total: number | undefined, detail: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal; silent otherwise, so logs and CI output stay
 * clean and stdout carries only results.
 */
export function createProgress(label: string, enabled = process.stderr.isTTY === true): ProgressReporter {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  let bar: cliProgress.SingleBar | null = null;
  let unit = '';
  return {
    update(done, total, detail) {
      if (!bar) {
        unit = total !== undefined ? '' : ' records';
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format:
              total !== undefined
                ? `${label} [{bar}] {percentage}% | {detail} | ETA {eta_formatted}`
                : `${label} {value}${unit} | {detail}`,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total ?? 0, 0, { detail });
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(done, { detail });
    },
    stop() {
      bar?.stop();
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
