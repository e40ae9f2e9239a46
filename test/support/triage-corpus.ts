import type { BugReport } from '../../src/domain/index.ts';
import { createRng } from '../../src/ml/index.ts';
import { makeReport } from './reports.ts';

/** Words a component's reports use: distinct enough to learn, shared enough to be imperfect. */
const COMPONENTS: Record<string, string[]> = {
  Graphics: [
    'render',
    'gpu',
    'webgl',
    'canvas',
    'shader',
    'flicker',
    'texture',
    'driver',
    'blank',
    'compositor',
  ],
  Networking: [
    'http',
    'dns',
    'proxy',
    'socket',
    'tls',
    'timeout',
    'cookie',
    'request',
    'certificate',
    'connection',
  ],
  DOM: [
    'element',
    'event',
    'listener',
    'node',
    'attribute',
    'selector',
    'mutation',
    'iframe',
    'document',
    'script',
  ],
  Printing: [
    'print',
    'pdf',
    'page',
    'margin',
    'preview',
    'printer',
    'header',
    'footer',
    'landscape',
    'scale',
  ],
};
const TYPES: Record<string, string[]> = {
  defect: ['crash', 'error', 'broken', 'fails', 'regression', 'wrong', 'hang'],
  enhancement: ['add', 'support', 'option', 'allow', 'feature', 'should', 'improve'],
};
const COMMON = ['firefox', 'when', 'the', 'after', 'update', 'window', 'open', 'tab', 'user', 'settings'];

/**
 * A small tracker history for service and web tests: `n` reports over four components and two
 * types, filed one day apart, generated from a seed so every run sees the same reports.
 */
export function triageCorpus(n = 160, seed = 7): BugReport[] {
  const rng = createRng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const comps = Object.keys(COMPONENTS);
  const out: BugReport[] = [];
  for (let i = 0; i < n; i++) {
    const component = comps[i % comps.length]!;
    const type = rng() < 0.6 ? 'defect' : 'enhancement';
    const words = (k: number) =>
      Array.from({ length: k }, () => {
        const u = rng();
        // a fifth of the words come from another component: the task should not be trivial
        if (u < 0.45) return pick(COMPONENTS[component]!);
        if (u < 0.55) return pick(COMPONENTS[pick(comps)]!);
        if (u < 0.8) return pick(TYPES[type]!);
        return pick(COMMON);
      }).join(' ');
    out.push(
      makeReport({
        source: 'bugzilla:test',
        externalId: String(1000 + i),
        url: `https://bugzilla.example.org/show_bug.cgi?id=${1000 + i}`,
        summary: words(6),
        description: words(30),
        product: 'Core',
        component,
        type,
        severity: type === 'enhancement' ? 'enhancement' : pick(['normal', 'major', 'critical']),
        createdAt: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString(),
      }),
    );
  }
  return out;
}
