import { type Command, Option } from 'commander';
import { EightballError } from '../../domain/index.ts';
import { SELECTION_METRICS, type SelectionMetric } from '../../ml/index.ts';
import { activeModelSummary, getTaskRow, listModelVersions, type Store } from '../../store/index.ts';
import {
  addTask,
  formatLabelMap,
  getTask,
  listTasks,
  removeTask,
  SOURCE_MODES,
  type SourceMode,
  saveTaskSettings,
  type TaskDefinition,
  taskSettings,
} from '../../triage/index.ts';
import { withStore } from '../context.ts';

async function describe(store: Store, t: TaskDefinition) {
  const settings = await taskSettings(store, t);
  const active = await activeModelSummary(store.db, t.name);
  const row = t.builtIn ? undefined : await getTaskRow(store.db, t.name);
  return {
    name: t.name,
    kind: t.kind,
    builtIn: t.builtIn,
    description: t.description,
    labelSource: settings.labelSource,
    labelMap: row ? formatLabelMap(JSON.parse(row.label_map)) : '',
    cost: settings.cost,
    objective: settings.objective,
    sources: settings.sources,
    sentenceEncoder: settings.sentenceEncoder,
    metaFields: t.metaFields(settings.labelSource),
    activeVersion: active ? active.version : null,
    versions: (await listModelVersions(store.db, t.name)).length,
  };
}

export function registerTasks(program: Command): void {
  const tasks = program
    .command('tasks')
    .description("the questions eightball answers about a report: the built-in ones and the team's own")
    .addHelpText(
      'after',
      `
A team's task needs no code: a name, where its labels come from, and how to map them. It is
trained with eightball train --task NAME, answered on the report page and by /api/v1/classify,
and removed with eightball tasks remove NAME.`,
    );
  tasks
    .command('add')
    .description(
      "define a team's task: its labels read from a report field or a labels file, optionally mapped",
    )
    .argument('<name>', '1 to 40 lower-case letters, digits and dashes, starting with a letter')
    .requiredOption(
      '-s, --label-source <source>',
      'where the labels come from: a report field (type, severity, keywords, ...), product::component, or labels.NAME from a labels file',
    )
    .option(
      '-m, --label-map <rules>',
      'FROM=TO,... renames values; FROM= drops one; PREFIX*=TO matches a prefix; *=TO (or *=) says what becomes of every value no rule names (without it they are kept)',
    )
    .option('--multilabel', 'each report may carry any number of the labels (each one a yes/no of its own)')
    .option('-d, --description <text>', 'one line for the pages (at most 200 characters)')
    .option('--json', 'print the task as JSON')
    .addHelpText(
      'after',
      `
Examples:
  "Is this a product bug?" from a labels file (import it with --labels first):
  $ eightball tasks add kind --label-source labels.category \\
      --label-map "regression=product bug,bug_unknown_regression=product bug,bug_no_regression=product bug,nobug=not a bug"
  Bugbug's bug types from Bugzilla keywords, several per report:
  $ eightball tasks add bug-type --multilabel --label-source keywords \\
      --label-map "crash=crash,topcrash=crash,memory-leak=memory,perf=performance,sec-*=security,*="
  $ eightball train --task bug-type`,
    )
    .action(async (name: string, o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const t = await addTask(
          store,
          {
            name,
            labelSource: o.labelSource,
            labelMap: o.labelMap ?? '',
            multilabel: o.multilabel === true,
            description: o.description,
          },
          null,
        );
        if (o.json) process.stdout.write(`${JSON.stringify(await describe(store, t))}\n`);
        else
          process.stdout.write(
            `task ${t.name} (${t.kind}) added: labels from ${t.defaultLabelSource}. Train it with: eightball train --task ${t.name}\n`,
          );
      });
    });
  tasks
    .command('list')
    .description('list every task, its kind, label source and active version')
    .option('--json', 'print a JSON array')
    .action(async (o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const all = await Promise.all((await listTasks(store)).map((t) => describe(store, t)));
        if (o.json) {
          process.stdout.write(`${JSON.stringify(all)}\n`);
          return;
        }
        for (const t of all)
          process.stdout.write(
            `${t.name.padEnd(16)} ${t.kind.padEnd(10)} ${(t.builtIn ? 'built in' : 'team').padEnd(8)} ${t.labelSource.padEnd(22)} ${t.activeVersion === null ? 'no active model' : `v${t.activeVersion} active`}  ${t.description}\n`,
          );
      });
    });
  tasks
    .command('show')
    .description('everything about one task: label source and map, cost, fields its model reads, versions')
    .argument('<name>')
    .option('--json', 'print it as JSON')
    .action(async (name: string, o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const t = await describe(store, await getTask(store, name));
        if (o.json) {
          process.stdout.write(`${JSON.stringify(t)}\n`);
          return;
        }
        process.stdout.write(
          [
            `${t.name}: ${t.description}`,
            `  kind            ${t.kind}${t.builtIn ? ' (built in)' : ''}`,
            `  label source    ${t.labelSource}`,
            ...(t.labelMap ? [`  label map       ${t.labelMap}`] : []),
            `  cost of a wrong answer ${t.cost}`,
            ...(t.kind === 'classify' ? [`  judged by       ${t.objective}`] : []),
            ...(t.kind !== 'rank'
              ? [
                  `  trackers        ${t.sources === 'apart' ? 'apart (a report is answered among its own tracker’s labels)' : 'pooled'}`,
                ]
              : []),
            `  fields read     summary, description${t.metaFields.length ? `, ${t.metaFields.join(', ')}` : ''}`,
            `  versions        ${t.versions}${t.activeVersion === null ? ', none active' : `, v${t.activeVersion} active`}`,
            '',
          ].join('\n'),
        );
      });
    });
  tasks
    .command('set')
    .description("change a task's settings: they apply from its next training")
    .argument('<name>')
    .addOption(
      new Option(
        '--objective <metric>',
        'what its model search judges candidates by: topk (top-1 and top-3 accuracy, with per-class bias correction), accuracy (top-1, with bias correction), macroF1 (every label alike), mean (accuracy and macro-F1 alike)',
      ).choices([...SELECTION_METRICS]),
    )
    .option(
      '--cost <n>',
      'the cost of a wrong answer (a right one earns 1, abstaining 0): sets the threshold',
      Number,
    )
    .option('-s, --label-source <source>', 'where its labels come from')
    .addOption(
      new Option(
        '--sources <mode>',
        "a store of several trackers: apart (a tracker's report is answered among the labels of that tracker's reports; the default) or pooled (among every tracker's)",
      ).choices([...SOURCE_MODES]),
    )
    .option('--json', 'print the task as JSON')
    .action(async (name: string, o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const task = await getTask(store, name);
        if (
          o.objective === undefined &&
          o.cost === undefined &&
          o.labelSource === undefined &&
          o.sources === undefined
        )
          throw new EightballError(
            'usage',
            'tasks set: give at least one of --objective, --cost, --label-source, --sources',
          );
        await saveTaskSettings(store, task, {
          ...(o.objective !== undefined ? { objective: o.objective as SelectionMetric } : {}),
          ...(o.cost !== undefined ? { cost: o.cost as number } : {}),
          ...(o.labelSource !== undefined ? { labelSource: o.labelSource as string } : {}),
          ...(o.sources !== undefined ? { sources: o.sources as SourceMode } : {}),
        });
        const t = await describe(store, task);
        if (o.json) process.stdout.write(`${JSON.stringify(t)}\n`);
        else
          process.stdout.write(
            `task ${t.name}: label source ${t.labelSource}, cost ${t.cost}, judged by ${t.objective}, trackers ${t.sources}. It applies from the next training.\n`,
          );
      });
    });
  tasks
    .command('remove')
    .description("remove a team's task: it stops answering; its model versions stay listed")
    .argument('<name>')
    .action(async (name: string, _o, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const { versions } = await removeTask(store, name, null);
        process.stdout.write(
          `task ${name} removed${versions > 0 ? ` (its ${versions} model version(s) are kept, inactive)` : ''}\n`,
        );
      });
    });
}
