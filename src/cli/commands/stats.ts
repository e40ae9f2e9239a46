import type { Command } from 'commander';
import { type CountRow, storeStats } from '../../store/index.ts';
import { withStore } from '../context.ts';

function table(title: string, rows: CountRow[], total: number): string {
  if (rows.length === 0) return `${title}\n  (none)\n`;
  const width = Math.max(...rows.map((r) => r.key.length), 8);
  const lines = rows.map(
    (r) =>
      `  ${r.key.padEnd(width)}  ${String(r.n).padStart(8)}  ${total > 0 ? ((100 * r.n) / total).toFixed(1).padStart(5) : '  0.0'}%`,
  );
  return `${title}\n${lines.join('\n')}\n`;
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('count the stored reports by source, product::component, type and year')
    .option('-s, --source <name>', 'only this source')
    .option('-n, --top <n>', 'how many product::component pairs to list', (v) => Number.parseInt(v, 10), 20)
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Examples:
  $ eightball stats
  $ eightball stats --source csv:Mozilla --top 50
  $ eightball stats --json | jq .byType`,
    )
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const s = await storeStats(store.db, { source: o.source, top: o.top });
        if (o.json) {
          process.stdout.write(`${JSON.stringify(s)}\n`);
          return;
        }
        process.stdout.write(`${s.total} reports\n\n`);
        process.stdout.write(`${table('by source', s.bySource, s.total)}\n`);
        process.stdout.write(
          `${table(`by product::component (top ${o.top})`, s.byProductComponent, s.total)}\n`,
        );
        process.stdout.write(`${table('by type', s.byType, s.total)}\n`);
        process.stdout.write(table('by year filed', s.byYear, s.total));
      });
    });
}
