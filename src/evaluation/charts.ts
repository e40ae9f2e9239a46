import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ClassificationMetrics } from './metrics.ts';

export interface Chart {
  id: string;
  title: string;
  svg: string;
}

/** Render a vega-lite spec to SVG on the server: no browser, no canvas. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const SIZE = { width: 360, height: 300 };

/** The y = x reference line of ROC and reliability charts. */
const DIAGONAL = {
  data: {
    values: [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ],
  },
  mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

/** The classes a crowded chart shows: the most frequent in the test set. */
function topClasses(m: ClassificationMetrics, n: number): string[] {
  return [...m.perClass]
    .sort((a, b) => b.support - a.support)
    .slice(0, n)
    .map((c) => c.label);
}

function curveSpec(
  title: string,
  rows: { cls: string; x: number; y: number }[],
  x: string,
  y: string,
  diagonal: boolean,
): TopLevelSpec {
  const layers: object[] = [
    {
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: x, scale: { domain: [0, 1] } },
        y: { field: 'y', type: 'quantitative', title: y, scale: { domain: [0, 1] } },
        color: { field: 'cls', type: 'nominal', title: 'class', legend: { labelLimit: 160 } },
      },
    },
  ];
  if (diagonal) {
    layers.push(DIAGONAL);
  }
  return { title, ...SIZE, layer: layers } as TopLevelSpec;
}

export async function evaluationCharts(m: ClassificationMetrics): Promise<Chart[]> {
  const shown = topClasses(m, 8);
  const roc = shown.flatMap((c) => (m.roc[c] ?? []).map((p) => ({ cls: c, x: p.x, y: p.y })));
  const pr = shown.flatMap((c) => (m.pr[c] ?? []).map((p) => ({ cls: c, x: p.x, y: p.y })));
  const cm = topClasses(m, 20);
  const idx = new Map(m.classes.map((c, i) => [c, i]));
  const cells: { actual: string; predicted: string; share: number; count: number }[] = [];
  for (const a of cm) {
    const row = m.confusion[idx.get(a)!]!;
    const total = row.reduce((s, v) => s + v, 0) || 1;
    for (const p of cm) {
      const count = row[idx.get(p)!]!;
      cells.push({ actual: a, predicted: p, share: count / total, count });
    }
  }
  const specs: { id: string; title: string; spec: TopLevelSpec }[] = [
    {
      id: 'roc',
      title: 'ROC (one vs rest, most frequent classes)',
      spec: curveSpec('ROC', roc, 'false positive rate', 'true positive rate', true),
    },
    {
      id: 'pr',
      title: 'Precision-recall (most frequent classes)',
      spec: curveSpec('Precision-recall', pr, 'recall', 'precision', false),
    },
    {
      id: 'confusion',
      title: 'Confusion matrix (row-normalised, most frequent classes)',
      spec: {
        title: 'Confusion matrix',
        width: Math.max(240, cm.length * 18),
        height: Math.max(240, cm.length * 18),
        data: { values: cells },
        mark: 'rect',
        encoding: {
          x: { field: 'predicted', type: 'nominal', sort: cm, axis: { labelLimit: 120, labelAngle: -60 } },
          y: { field: 'actual', type: 'nominal', sort: cm, axis: { labelLimit: 160 } },
          color: {
            field: 'share',
            type: 'quantitative',
            scale: { scheme: 'blues', domain: [0, 1] },
            title: 'share of row',
          },
          tooltip: [{ field: 'actual' }, { field: 'predicted' }, { field: 'count' }],
        },
      } as TopLevelSpec,
    },
    {
      id: 'reliability',
      title: `Reliability diagram (ECE ${m.ece.toFixed(3)})`,
      spec: {
        title: 'Reliability',
        ...SIZE,
        layer: [
          {
            data: { values: m.reliability },
            mark: { type: 'line', color: '#1f77b4' },
            encoding: {
              x: {
                field: 'confidence',
                type: 'quantitative',
                title: 'predicted probability (top label)',
                scale: { domain: [0, 1] },
              },
              y: {
                field: 'accuracy',
                type: 'quantitative',
                title: 'observed accuracy',
                scale: { domain: [0, 1] },
              },
            },
          },
          {
            data: { values: m.reliability },
            mark: { type: 'circle', color: '#1f77b4', opacity: 0.8 },
            encoding: {
              x: { field: 'confidence', type: 'quantitative' },
              y: { field: 'accuracy', type: 'quantitative' },
              size: { field: 'count', type: 'quantitative', title: 'reports', scale: { range: [20, 400] } },
            },
          },
          DIAGONAL,
        ],
      } as TopLevelSpec,
    },
    {
      id: 'cost',
      title: 'Cost curve: gain per report when answering above a threshold (right +1, abstain 0, wrong −c)',
      spec: {
        title: 'Cost of answering',
        ...SIZE,
        data: { values: m.cost.map((c) => ({ ...c, c: `wrong = −${c.wrongCost}` })) },
        mark: 'line',
        encoding: {
          x: { field: 'threshold', type: 'quantitative', title: 'confidence threshold' },
          y: { field: 'utility', type: 'quantitative', title: 'mean gain per report' },
          color: { field: 'c', type: 'nominal', title: 'cost of a wrong answer' },
        },
      } as TopLevelSpec,
    },
    {
      id: 'coverage',
      title: 'Coverage versus precision when abstaining below a threshold',
      spec: {
        title: 'Coverage vs precision',
        ...SIZE,
        data: { values: m.coverage },
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'coverage',
            type: 'quantitative',
            title: 'share of reports answered',
            scale: { domain: [0, 1] },
          },
          y: {
            field: 'precision',
            type: 'quantitative',
            title: 'precision of the answers',
            scale: { domain: [0, 1] },
          },
          tooltip: [{ field: 'threshold' }, { field: 'coverage' }, { field: 'precision' }],
        },
      } as TopLevelSpec,
    },
  ];
  if (m.costCurve) {
    specs.push({
      id: 'cost-dh',
      title: 'Cost curve (Drummond & Holte): normalised expected cost by probability cost',
      spec: {
        title: 'Normalised expected cost',
        ...SIZE,
        data: { values: m.costCurve },
        mark: 'line',
        encoding: {
          x: { field: 'pc', type: 'quantitative', title: 'probability cost PC(+)' },
          y: { field: 'nec', type: 'quantitative', title: 'normalised expected cost' },
        },
      } as TopLevelSpec,
    });
  }
  const out: Chart[] = [];
  for (const s of specs) out.push({ id: s.id, title: s.title, svg: await renderSvg(s.spec) });
  return out;
}
