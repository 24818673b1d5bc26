/**
 * `verso consensus` and `verso agreement` (layer: cli), as command-table entries: the
 * annotators' labelings fused into a branch's labels, and their agreement as a table or JSON
 * (`api/annotators/`). `verso import labels --annotator` and `verso cat --annotator` are in
 * their own commands' modules.
 */
import type { Command } from 'commander';
import type {
  AgreementGrouping,
  AgreementResult,
  ConsensusResult,
  ConsensusStrategy,
} from '../../api/annotators/index.js';
import { choiceOption, positiveInteger } from '../arg-parsers.js';
import { defineCommand, registerTable } from '../command-table.js';
import type { CliContext } from '../context.js';
import { commitLine, counts } from './write-report.js';

const STRATEGIES = ['majority', 'weighted', 'wbf'] as const;
const GROUPINGS = ['annotator', 'class', 'image'] as const;
/** Objects below the threshold that the text output lists (all of them with --json). */
const LISTED = 20;

export const consensusCommand = defineCommand<
  { branch: string; strategy: ConsensusStrategy; minAgreement?: number; message?: string },
  ConsensusResult
>({
  name: 'consensus',
  description:
    "fuse the annotators' labelings of every object into the branch's labels (one commit); objects with too few agreeing annotators are listed, not written",
  spec: (cmd) =>
    cmd
      .option('--branch <name>', 'branch to read the annotations of and commit to', 'main')
      .addOption(
        choiceOption(
          '--strategy <strategy>',
          'majority: one vote each; weighted: annotators weighted by their agreement with the others; wbf: majority class, boxes fused weighted by agreement and score',
          STRATEGIES,
        ).default('majority'),
      )
      .option(
        '--min-agreement <k>',
        'write an object only when at least K annotators agree on its class (default 1)',
        positiveInteger,
      )
      .option('-m, --message <msg>', 'commit message'),
  repository: true,
  async run(repo, { opts }) {
    const { consensus } = await import('../../api/annotators/index.js');
    return consensus(repo, {
      branch: opts.branch,
      strategy: opts.strategy,
      ...(opts.minAgreement !== undefined ? { minAgreement: opts.minAgreement } : {}),
      ...(opts.message ? { message: opts.message } : {}),
    });
  },
  render: (r, { opts }) => [
    commitLine(
      opts.branch,
      r,
      `consensus (${r.strategy}) of ${r.objects} objects: ${r.written} written, ${r.below.length} below ${r.min_agreement} agreeing; labels ${counts(r.labels)}`,
    ),
    ...r.below
      .slice(0, LISTED)
      .map(
        (b) =>
          `  below: ${b.image} ${b.object}: ${b.supporters.length} of ${b.of} agree (${b.supporters.join(', ')})`,
      ),
    ...(r.below.length > LISTED
      ? [`  ... ${r.below.length - LISTED} more (--json lists all)`]
      : []),
  ],
});

export const agreementCommand = defineCommand<{ by?: AgreementGrouping }, AgreementResult>({
  name: 'agreement <ref>',
  description:
    "inter-annotator agreement: pairwise IoU-matched F1, Cohen's kappa, mean IoU of matched boxes, Fleiss' kappa",
  spec: (cmd) =>
    cmd.addOption(choiceOption('--by <grouping>', 'also per annotator, class or image', GROUPINGS)),
  repository: true,
  async run(repo, { args, opts }) {
    const { agreement } = await import('../../api/annotators/index.js');
    return agreement(repo, args[0] as string, opts.by ? { by: opts.by } : {});
  },
  render: (r) => [
    `${r.annotators.length} annotators, ${r.objects} objects, ${r.labels} labels`,
    `F1 ${num(r.f1)}  mean IoU ${num(r.mean_iou)}  Fleiss' kappa ${num(r.fleiss_kappa)}`,
    '',
    ...table(
      ['annotator A', 'annotator B', 'F1', 'kappa', 'mean IoU', 'matches'],
      r.pairs.map((p) => [p.a, p.b, num(p.f1), num(p.kappa), num(p.mean_iou), String(p.matches)]),
    ),
    ...(r.groups && r.by
      ? [
          '',
          ...table(
            [r.by, 'labels', 'F1', ...(r.by === 'annotator' ? ['kappa'] : []), 'mean IoU'],
            r.groups.map((g) => [
              g.key,
              String(g.labels),
              num(g.f1),
              ...(r.by === 'annotator' ? [num(g.kappa ?? null)] : []),
              num(g.mean_iou),
            ]),
          ),
        ]
      : []),
  ],
});

const num = (x: number | null): string => (x === null ? '-' : x.toFixed(3));

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

export function registerAnnotatorCommands(program: Command, ctx: CliContext): void {
  registerTable(program, ctx, [consensusCommand, agreementCommand]);
}
