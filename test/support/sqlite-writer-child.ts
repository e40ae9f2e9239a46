// A second process writing to the same SQLite file, as a CLI import does while the web app writes:
// transactions that read first and write after, `n` of them, then exit 0 (1 on any error).
import { openStore, setSetting } from '../../src/store/index.ts';

const [url, tag, n] = process.argv.slice(2) as [string, string, string];
const store = await openStore(url, { migrate: false });
try {
  for (let i = 0; i < Number(n); i++) {
    await store.db.transaction().execute(async (tx) => {
      await tx.selectFrom('settings').select('key').execute();
      await setSetting(tx, `${tag}.${i}`, String(i));
    });
  }
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await store.close();
}
