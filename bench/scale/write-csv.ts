// bench/scale/write-csv: the generated corpus of bench/scale written as a CSV export, to measure
// the CLI itself (import, evaluate, train) on a tracker far larger than the shared data.
// Usage: node --import tsx bench/scale/write-csv.ts --reports 300000 --out /tmp/gen300k.csv [--product]
// Columns: id, summary, description, component (60 classes), created (one minute apart); with
// --product the class's product and component in two columns, as `import file` then `train` want.
import { createWriteStream } from 'node:fs';
import { numberArg, SHARED_DATA } from '../options.ts';
import { ReportGenerator } from './corpus.ts';
import { loadJiraReports } from './jira-reports.ts';

const n = numberArg('reports', 300_000);
const i = process.argv.indexOf('--out');
const path = i >= 0 ? process.argv[i + 1] : undefined;
if (!path) {
  process.stderr.write('usage: write-csv.ts --reports N --out FILE\n');
  process.exit(2);
}
const real = await loadJiraReports(SHARED_DATA);
const gen = new ReportGenerator(real, 60, 7);
const out = createWriteStream(path);
const withProduct = process.argv.includes('--product');
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
out.write(`id,summary,description,${withProduct ? 'product,' : ''}component,created\n`);
for (let k = 0; k < n; k++) {
  const r = gen.next();
  const created = new Date(Date.UTC(2015, 0, 1) + k * 60_000).toISOString();
  // without --product, "::" would read as product::component; the class name stays one component
  const [product, component] = r.label.split('::');
  const label = withProduct
    ? `${quote(product!)},${quote(component ?? '')}`
    : quote(r.label.replace('::', '-'));
  const line = `${k + 1},${quote(r.summary)},${quote(r.description)},${label},${created}\n`;
  if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}
await new Promise<void>((resolve) => out.end(() => resolve()));
process.stderr.write(`wrote ${n} reports to ${path}\n`);
