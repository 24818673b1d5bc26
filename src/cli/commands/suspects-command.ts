/**
 * `verso suspects RUN [--top N] [--by annotator]` (layer: cli): a run's training examples ranked
 * by self-influence (`api/lineage/suspects.ts`), likely label errors first, one line each as
 * `explain` prints them: rank, self-influence, IMAGE/LABEL, class, annotator, annotation time,
 * review status, reviewer. `--by annotator` prints the per-annotator aggregate instead.
 */
import { choiceOption, positiveInteger, SUSPECTS_BY_CHOICES } from '../arg-parsers.js';
import { defineCommand, type CommandInput } from '../command-table.js';

interface SuspectsOpts {
  top: number;
  by?: string;
}

export const suspectsCommand = defineCommand({
  name: 'suspects <run>',
  description:
    "a run's training examples ranked by self-influence (squared norm of their gradient vectors): likely label errors first",
  spec: (cmd) =>
    cmd
      .option('--top <n>', 'how many examples', positiveInteger, 50)
      .addOption(
        choiceOption('--by <grouping>', 'aggregate per annotator instead', SUSPECTS_BY_CHOICES),
      ),
  repository: true,
  async run(repo, { args, opts }: CommandInput<SuspectsOpts>) {
    const { rankSuspects } = await import('../../api/lineage/index.js');
    return rankSuspects(repo, args[0] as string, { top: opts.top, by: opts.by });
  },
  render: (r) => {
    const unscored =
      r.unscored > 0 ? [`unscored: ${r.unscored} of the run's examples have no vector`] : [];
    if (r.annotators)
      return [
        `annotator\texamples\tmean self-influence\tin top ${r.examples.length}\tshare`,
        ...r.annotators.map(
          (a) =>
            `${a.annotator ?? '-'}\t${a.examples}\t${a.mean_self_influence.toPrecision(6)}\t${a.in_top}\t${(100 * a.share).toFixed(1)}%`,
        ),
        ...unscored,
      ];
    return [
      ...r.examples.map(
        (e) =>
          `${e.rank}\t${e.self_influence.toPrecision(6)}\t${e.image}/${e.label}\t${str(e.class)}\t${str(e.annotator)}\t${str(e.annotated_at)}\t${str(e.review_status)}\t${str(e.reviewer)}`,
      ),
      ...unscored,
    ];
  },
});

function str(v: unknown): string {
  return v === null || v === undefined ? '-' : String(v);
}
