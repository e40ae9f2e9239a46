// One import in its own process, so its peak memory is its own. Prints one JSON line.
import { importFile } from '../../src/jobs/import-file.ts';
import { openStore } from '../../src/store/index.ts';

const [path, url] = process.argv.slice(2);
if (!path || !url) {
  process.stderr.write('usage: node --import tsx bench/import/one.ts FILE DATABASE_URL\n');
  process.exit(2);
}
const store = await openStore(url);
const t0 = process.hrtime.bigint();
const s = await importFile(store, { path, restart: true });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
await store.close();
const records = s.imported + s.updated + s.unchanged + s.rejected;
process.stdout.write(
  `${JSON.stringify({ records, imported: s.imported, rejected: s.rejected, seconds, perSecond: records / seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
