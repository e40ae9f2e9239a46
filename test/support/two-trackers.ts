import { createRng } from '../../src/ml/index.ts';
import { makeReport } from './reports.ts';

const HDFS: Record<string, string[]> = {
  namenode: ['namenode', 'editlog', 'fsimage', 'checkpoint', 'safemode', 'quota', 'lease'],
  datanode: ['datanode', 'block', 'replica', 'heartbeat', 'volume', 'disk', 'pipeline'],
};

/** A second tracker's history: a Jira project whose words no Bugzilla report uses. */
export function jiraReports(n: number) {
  const rng = createRng(3);
  const comps = Object.keys(HDFS);
  return Array.from({ length: n }, (_, i) => {
    const component = comps[i % comps.length]!;
    const words = (k: number) =>
      Array.from({ length: k }, () => HDFS[component]![Math.floor(rng() * HDFS[component]!.length)]).join(
        ' ',
      );
    return makeReport({
      source: 'jira:hdfs',
      externalId: `HDFS-${i + 1}`,
      summary: words(6),
      description: words(25),
      product: 'HDFS',
      component,
      createdAt: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000 + 3_600_000).toISOString(),
    });
  });
}
