import type { Command } from 'commander';
import { EightballError } from '../../domain/index.ts';
import { trackerSecrets } from '../../jobs/source-kinds/index.ts';
import { listActions, listWritebackRules } from '../../store/index.ts';
import { dryRun } from '../../trackers/dry-run.ts';
import { undoAction } from '../../trackers/writeback.ts';
import { parseLabelThreshold, setWritebackRule } from '../../trackers/writeback-rules.ts';
import { Predictor } from '../../triage/index.ts';
import { withStore } from '../context.ts';
import { collect, positiveInt } from './import-ui.ts';

function probabilityArg(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new EightballError('usage', `${name}: "${v}" is not a probability from 0 to 1`);
    return n;
  };
}

const pct = (p: number | null) => (p === null ? '–' : `${(p * 100).toFixed(1)}%`);

export function registerWriteback(program: Command): void {
  const wb = program
    .command('writeback')
    .description(
      'what eightball writes back to Bugzilla, GitHub and Jira: rules, a dry run, actions and undo',
    )
    .addHelpText(
      'after',
      `
Per source and task a mode: off (the default), suggest (one comment with the likeliest
answers, edited when the answer changes) or apply (set the component, or add a label, when the
top answer reaches the threshold; comment what was done). Guard rails: only untriaged reports
(--untriaged), never after a person changed that field, never back into a component a person
moved it out of, never the same decision twice; below the threshold a product-level move when
the answer is spread over one product's components, else --needs-triage-label or nothing.
Tokens come from EIGHTBALL_BUGZILLA_API_KEY, EIGHTBALL_GITHUB_TOKEN, EIGHTBALL_JIRA_EMAIL and
EIGHTBALL_JIRA_TOKEN. Run a dry run before turning apply on.

Examples:
  $ eightball writeback dry-run --source bugzilla:moz --task component --last 200 --threshold 0.8
  $ eightball writeback set --source bugzilla:moz --task component --mode apply --threshold 0.8
  $ eightball writeback set --source github:web-bugs --task category --mode suggest
  $ eightball writeback actions
  $ eightball writeback undo 12`,
    );

  wb.command('list')
    .description('the write-back rules')
    .option('--json', 'print them as JSON')
    .action(async (o, cmd: Command) => {
      const rules = await withStore(cmd, (store) => listWritebackRules(store.db));
      if (o.json) return void process.stdout.write(`${JSON.stringify(rules)}\n`);
      if (rules.length === 0) return void process.stdout.write('no write-back rules: every source is off\n');
      for (const r of rules)
        process.stdout.write(
          `${r.source}\t${r.task}\t${r.mode}\tthreshold ${r.threshold}\tuntriaged: ${r.untriaged.map((u) => u || '(empty)').join(', ') || '(no task label yet)'}${r.needsTriageLabel ? `\tbelow: ${r.needsTriageLabel}` : ''}\n`,
        );
    });

  wb.command('set')
    .description('set the mode, thresholds and guard rails for one source and task')
    .requiredOption('--source <name>', 'the stored source, e.g. bugzilla:moz, github:web-bugs, jira:hive')
    .requiredOption('--task <name>', 'the task whose answers are written, e.g. component')
    .option('--mode <mode>', 'off, suggest or apply')
    .option(
      '--threshold <p>',
      'act when the top answer is at least this probable (default 0.8)',
      probabilityArg('--threshold'),
    )
    .option('--label-threshold <label=p>', 'a threshold of its own for one label (repeat)', collect, [])
    .option(
      '--untriaged <value>',
      'a component (or label) that means nobody has triaged it; "" for none (repeat)',
      collect,
    )
    .option(
      '--needs-triage-label <label>',
      'below the threshold, add this label (or keyword) instead of nothing',
    )
    .action(async (o, cmd: Command) => {
      const rule = await withStore(cmd, (store) =>
        setWritebackRule(
          store,
          {
            source: o.source,
            task: o.task,
            mode: o.mode,
            threshold: o.threshold,
            labelThresholds:
              o.labelThreshold.length > 0
                ? Object.fromEntries(o.labelThreshold.map(parseLabelThreshold))
                : undefined,
            untriaged: o.untriaged,
            needsTriageLabel: o.needsTriageLabel,
          },
          null,
        ),
      );
      process.stdout.write(`${rule.source} ${rule.task}: ${rule.mode} at ${rule.threshold}\n`);
    });

  wb.command('dry-run')
    .description("what apply would have done to a source's last N reports as filed, and its precision")
    .requiredOption('--source <name>', 'the stored source')
    .requiredOption('--task <name>', 'the task')
    .option('--last <n>', 'how many of the newest reports', positiveInt('--last'), 100)
    .option('--threshold <p>', 'try this threshold instead of the rule’s', probabilityArg('--threshold'))
    .option('--json', 'print the whole report as JSON')
    .addHelpText(
      'after',
      `
Each report is classified as it was filed (its as-filed fields; a report whose as-filed values
are unknown is taken as filed untriaged) and judged by the same guard rails; "right" compares
the act with what people decided later. Reports filed before the active model was trained may
be in its training data and flatter it: the precision over the reports filed after is printed
beside it, and is the one to trust.`,
    )
    .action(async (o, cmd: Command) => {
      const r = await withStore(cmd, (store) =>
        dryRun(store, new Predictor(store), {
          source: o.source,
          task: o.task,
          last: o.last,
          ...(o.threshold !== undefined ? { rule: { threshold: o.threshold } } : {}),
        }),
      );
      if (o.json) return void process.stdout.write(`${JSON.stringify(r)}\n`);
      for (const row of r.rows) {
        const what = row.act
          ? `${row.act.kind} ${row.act.decision} (${Math.round(row.act.probability * 100)}%)`
          : `nothing: ${row.reasons.at(-1) ?? ''}`;
        const verdict =
          row.right === null ? '' : row.right ? '  right' : `  WRONG (people chose ${row.decided})`;
        process.stdout.write(`${row.externalId}\t${what}${verdict}\n`);
      }
      process.stdout.write(
        `\n${r.rows.length} reports, ${r.acted} acted on, precision ${pct(r.precision)}; filed after the model was trained: ${r.unseenActed} acted on, precision ${pct(r.unseenPrecision)} (threshold ${r.rule.threshold})\n`,
      );
    });

  wb.command('actions')
    .description('what eightball did in the trackers, newest first')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 50)
    .option('--json', 'print them as JSON')
    .action(async (o, cmd: Command) => {
      const rows = await withStore(cmd, (store) => listActions(store.db, o.limit));
      if (o.json) return void process.stdout.write(`${JSON.stringify(rows)}\n`);
      for (const a of rows)
        process.stdout.write(
          `#${a.id}\t${a.created_at.slice(0, 19)}\t${a.source}\treport ${a.report_id}\t${a.kind} ${a.decision}\t${a.state}\t${a.message}\n`,
        );
    });

  wb.command('undo')
    .description('undo one action, if nobody changed the report since')
    .argument('<id>', 'the action number (writeback actions)', positiveInt('id'))
    .action(async (id: number, _o, cmd: Command) => {
      const message = await withStore(cmd, (store, config) =>
        undoAction(store, id, null, { secrets: trackerSecrets(config) }),
      );
      process.stdout.write(`action ${id} undone: ${message}\n`);
    });
}
