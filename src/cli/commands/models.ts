import { type Command, Option } from 'commander';
import { EightballError } from '../../domain/index.ts';
import { listModelVersions } from '../../store/index.ts';
import {
  activateTaskVersion,
  BUILT_IN_TASK_NAMES,
  type Classification,
  getTask,
  labelSourceAdvice,
  labelSourceCounts,
  listTasks,
  MIN_CLASS_SIZE,
  Predictor,
  ReportInputSchema,
  rollbackTask,
  SENTENCE_ENCODER,
  saveTaskSettings,
  taskSettings,
  trainTask,
} from '../../triage/index.ts';
import { storedMetrics } from '../../triage/stored-metrics.ts';
import { threadsFor, withStore } from '../context.ts';
import { createProgress } from '../progress.ts';

const pct = (x: number | null | undefined) => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : '-');

export function registerModels(program: Command): void {
  program
    .command('train')
    .description(
      'train a task on the stored reports, validate it on a time split and store a new model version',
    )
    .option(
      '-t, --task <task>',
      `the task: ${BUILT_IN_TASK_NAMES.join(', ')} or one of the team's (eightball tasks list; default: every task)`,
    )
    .option('--force', 'activate the new version even if it scores worse than the active one')
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 42)
    .addOption(
      new Option(
        '--sentence-encoder <name>',
        "also try a pretrained sentence encoder's vectors as features (bundled Universal Sentence Encoder lite); encodes every labelled report first, about 80 ms each on one core, and a model that chose them takes about as long per prediction",
      ).choices([SENTENCE_ENCODER]),
    )
    .option(
      '--label-source <source>',
      'with --task: read its labels from here from now on (type, severity-enhancement, labels.NAME from a labels file, product::component, ...), as the admin page sets it',
    )
    .option('--json', 'print one JSON object per task')
    .addHelpText(
      'after',
      `
Labels: category from Bugzilla's type (or the task's label source set on the admin page), component
from product::component, a team's own task from the source and label map it was added with
(eightball tasks --help); a triager's correction in eightball always wins. A multi-label task
learns each label as its own yes/no. Features are the fields
as filed. The oldest 75% of labelled reports train, the newest 25% validate; the served model is then
refitted on all of them. Classes with fewer than 5 training reports are dropped and listed.
A new version is activated only if it is not worse than the active one (or with --force).
A task its label source cannot train (no labels, or one) is skipped with the label sources in the
store that would work; the others are trained. Exit 0 when a task was trained, 1 when none was.

Examples:
  $ eightball import file ../shared/data/bugzilla/mozilla/bugs-2009-2018.jsonl \\
      --labels ../shared/data/bugzilla/mozilla/labels-regression-bug-nobug.csv
  $ eightball train
  $ eightball train --task category --label-source labels.category
  $ eightball train --task component --force`,
    )
    .action(async (o, cmd: Command) => {
      if (o.labelSource && !o.task) throw new EightballError('usage', '--label-source needs --task');
      await withStore(cmd, async (store) => {
        const definitions = o.task ? [await getTask(store, o.task)] : await listTasks(store);
        if (o.labelSource) await saveTaskSettings(store, definitions[0]!, { labelSource: o.labelSource });
        let trained = 0;
        for (const definition of definitions) {
          const task = definition.name;
          const bar = createProgress(`train ${task}`);
          let outcome: Awaited<ReturnType<typeof trainTask>>;
          try {
            outcome = await trainTask(store, task, {
              threads: threadsFor(cmd),
              force: o.force === true,
              seed: o.seed,
              sentenceEncoder: o.sentenceEncoder,
              onProgress: (what, done, total) => bar.update(done, total > 0 ? total : undefined, what),
            });
          } catch (e) {
            bar.stop();
            if (!(e instanceof EightballError && e.code === 'rejected')) throw e;
            // the other tasks may still train: say why this one did not, and what would work
            const { labelSource } = await taskSettings(store, definition);
            const advice = labelSourceAdvice(
              definition,
              labelSource,
              await labelSourceCounts(store, definition, MIN_CLASS_SIZE),
            );
            if (o.json)
              process.stdout.write(
                `${JSON.stringify({ task, trained: false, reason: e.message, advice })}\n`,
              );
            else process.stderr.write(`${task}: not trained: ${e.message}\n  ${advice}\n`);
            continue;
          }
          bar.stop();
          trained++;
          if (o.json) {
            process.stdout.write(`${JSON.stringify(outcome)}\n`);
            continue;
          }
          const t = outcome.threshold;
          if (outcome.kind === 'rank') {
            process.stdout.write(
              `${task} v${outcome.version} (model ${outcome.id}): ${outcome.model}\n` +
                `  ${outcome.nLabelled} reports linked to fixing commits\n` +
                `  validation (newest quarter, the source before each fix): top-1 ${pct(outcome.accuracy)}, top-5 ${pct(outcome.top3)}, MAP ${outcome.macroF1.toFixed(3)}\n` +
                `  ${outcome.activated ? 'activated' : 'NOT activated'}: ${outcome.reason}\n`,
            );
            continue;
          }
          if (outcome.kind === 'multilabel') {
            process.stdout.write(
              `${task} v${outcome.version} (model ${outcome.id}): ${outcome.model}\n` +
                `  ${outcome.nLabelled} labelled reports (label source ${outcome.labelSource}, ${outcome.nCorrections} corrections)\n` +
                `  validation: exact label sets ${pct(outcome.accuracy)}, macro-F1 over labels ${pct(outcome.macroF1)}, ECE ${outcome.ece.toFixed(3)}\n` +
                `  each label asserted from ${t.threshold.toFixed(3)} (wrong answer costs ${t.cost}): on the test window ${pct(t.precision)} of asserted labels are right, ${pct(t.coverage)} of the true labels are asserted\n` +
                `  ${outcome.activated ? 'activated' : 'NOT activated'}: ${outcome.reason}\n`,
            );
            continue;
          }
          process.stdout.write(
            `${task} v${outcome.version} (model ${outcome.id}): ${outcome.model}\n` +
              `  ${outcome.nLabelled} labelled reports (label source ${outcome.labelSource}, ${outcome.nCorrections} corrections)\n` +
              `  validation: accuracy ${pct(outcome.accuracy)}, macro-F1 ${pct(outcome.macroF1)}, top-3 ${pct(outcome.top3)}, ECE ${outcome.ece.toFixed(3)}\n` +
              `  threshold ${t.threshold.toFixed(3)} (wrong answer costs ${t.cost}), chosen on ${t.chosenOn}: on the test window it answers ${pct(t.coverage)} of reports at ${pct(t.precision)} precision\n` +
              `  ${outcome.activated ? 'activated' : 'NOT activated'}: ${outcome.reason}\n`,
          );
        }
        if (trained === 0) process.exitCode = 1;
      });
    });

  program
    .command('models')
    .description('list the model versions of every task; * marks the active one')
    .option('-t, --task <task>', 'only this task')
    .option('--json', 'print a JSON array')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const rows = await listModelVersions(
          store.db,
          o.task ? (await getTask(store, o.task)).name : undefined,
        );
        if (o.json) {
          process.stdout.write(
            `${JSON.stringify(rows.map((r) => ({ ...r, active: r.active === 1, metrics: summaryOf(r.metrics) })))}\n`,
          );
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('no models yet: run eightball train\n');
          return;
        }
        for (const r of rows) {
          const m = summaryOf(r.metrics);
          process.stdout.write(
            `${r.active === 1 ? '*' : ' '} ${r.task.padEnd(10)} v${String(r.version).padEnd(3)} id ${String(r.id).padEnd(4)} ${r.created_at.slice(0, 19)}  acc ${pct(m.accuracy)}  macro-F1 ${pct(m.macroF1)}  threshold ${r.threshold.toFixed(3)}  ${r.description}\n`,
          );
        }
      });
    });

  program
    .command('activate')
    .description(
      'make a model version the active one of its task (the predictor swaps to it without a restart)',
    )
    .argument('<task>', `the task: ${BUILT_IN_TASK_NAMES.join(', ')} or a team's`)
    .argument('[version]', 'the version number (default: the newest)')
    .action(async (task: string, version: string | undefined, _o, cmd: Command) => {
      const v = version === undefined ? undefined : Number.parseInt(version, 10);
      if (v !== undefined && !(v > 0))
        throw new EightballError('usage', `version must be a positive number, not "${version}"`);
      await withStore(cmd, async (store) => {
        const m = await activateTaskVersion(store, (await getTask(store, task)).name, v, null);
        process.stdout.write(`${m.task} v${m.version} is active\n`);
      });
    });

  program
    .command('rollback')
    .description('go back to the version of a task that was active before the current one')
    .argument('<task>', `the task: ${BUILT_IN_TASK_NAMES.join(', ')} or a team's`)
    .action(async (task: string, _o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const m = await rollbackTask(store, (await getTask(store, task)).name, null);
        process.stdout.write(`${m.task} v${m.version} is active again\n`);
      });
    });

  program
    .command('predict')
    .description(
      "classify one report with the active models of every task (category, component, the team's), why, and similar reports",
    )
    .requiredOption('-s, --summary <text>', 'the report summary (title)')
    .option('-d, --description <text>', 'the report description')
    .option('--product <name>')
    .option('--platform <name>')
    .option('--op-sys <name>')
    .option('--severity <name>')
    .option('--reporter <login>', 'who files it: component models learn where each reporter works')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Examples:
  $ eightball predict --summary "Crash when opening a PDF" --description "Steps: ..."
  $ eightball predict -s "Add dark mode to preferences" --json | jq .answers.category`,
    )
    .action(async (o, cmd: Command) => {
      const parsed = ReportInputSchema.safeParse({
        summary: o.summary,
        description: o.description,
        product: o.product,
        platform: o.platform,
        opSys: o.opSys,
        severity: o.severity,
        reporter: o.reporter,
      });
      if (!parsed.success) {
        const i = parsed.error.issues[0]!;
        throw new EightballError('usage', `--${String(i.path[0])}: ${i.message}`);
      }
      await withStore(cmd, async (store) => {
        // one answer: the newest 50,000 reports are where its similar ones are looked for, not all
        const predictor = new Predictor(store, { similarLimit: 50_000 });
        await predictor.similarReady();
        const c = await predictor.classify(parsed.data);
        if (Object.keys(c.answers).length === 0) {
          throw new EightballError('not-found', 'no active model: run eightball train first');
        }
        process.stdout.write(o.json ? `${JSON.stringify(c)}\n` : formatClassification(c));
      });
    });
}

function summaryOf(metrics: string) {
  const m = storedMetrics(metrics);
  return { accuracy: m.accuracy, macroF1: m.macroF1, top3: m.top3 ?? null };
}

export function formatClassification(c: Classification): string {
  const out: string[] = [];
  for (const a of Object.values(c.answers)) {
    if (a.kind === 'rank') {
      out.push(`${a.task}: where the fix will likely be`);
      for (const f of (a.files ?? []).slice(0, 5))
        out.push(`  ${pct(f.probability).padStart(6)}  ${f.path}  (${f.why.join('; ')})`);
      const sections = (a.sections ?? []).slice(0, 3).map((s) => s.path);
      if (sections.length) out.push(`  sections: ${sections.join(', ')}`);
      continue;
    }
    if (a.kind === 'multilabel')
      out.push(
        a.needsHuman
          ? `${a.task}: needs a human (${a.labels.length > 0 ? `${a.labels.join(', ')} likely; ` : ''}a label between ${pct(1 - a.threshold)} and ${pct(a.threshold)})`
          : `${a.task}: ${a.label} (each label asserted from ${pct(a.threshold)})`,
      );
    else
      out.push(
        a.needsHuman
          ? `${a.task}: needs a human (top ${pct(a.probability)} < threshold ${pct(a.threshold)})`
          : `${a.task}: ${a.label} (${pct(a.probability)})`,
      );
    for (const r of a.ranking.slice(0, 3)) out.push(`  ${pct(r.probability).padStart(6)}  ${r.label}`);
    const why = a.explanation[0];
    if (why) out.push(`  why ${why.label}: ${why.reasons.join('; ')}`);
  }
  if (c.similar.length > 0) {
    out.push('similar reports:');
    for (const s of c.similar)
      out.push(`  ${s.similarity.toFixed(2)}  ${s.source}:${s.externalId}  ${s.summary}`);
  }
  return `${out.join('\n')}\n`;
}
