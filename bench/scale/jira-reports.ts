// The real reports the generator learns from: the five Jira projects of the shared data.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BugReport } from '../../src/domain/index.ts';
import { loadReports } from '../../src/sources/load-reports.ts';

/** Every report of HIVE, HADOOP, HDFS, MAPREDUCE and YARN; exits 1, saying why, when they are absent. */
export async function loadJiraReports(data: string): Promise<BugReport[]> {
  const files = ['HIVE', 'HADOOP', 'HDFS', 'MAPREDUCE', 'YARN'].map((p) =>
    join(data, 'jira/apache', `${p}.jsonl`),
  );
  if (!files.every((f) => existsSync(f))) {
    process.stderr.write(
      `shared Jira data not found under ${data}/jira/apache (set EIGHTBALL_SHARED_DATA)\n`,
    );
    process.exit(1);
  }
  return (await Promise.all(files.map((f) => loadReports(f)))).flatMap((r) => r.reports);
}
