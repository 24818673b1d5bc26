/**
 * `verso agreement REF [--by annotator|class|image]`: inter-annotator agreement of a snapshot
 * (layer: api). One pass over the objects and their annotations (`object-scan.ts`), an image at
 * a time into `AgreementAccumulator` (`dataset/agreement-stats.ts`, which defines the measures).
 */
import { labelBox, labelClass } from '../../dataset/label-overlap.js';
import {
  AgreementAccumulator,
  type AgreementReport,
  type GroupAgreement,
  type Vote,
} from '../../dataset/agreement-stats.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';
import { labelingsOf, scanObjectLabelings } from './object-scan.js';

export type AgreementGrouping = 'annotator' | 'class' | 'image';
export const AGREEMENT_GROUPINGS: readonly AgreementGrouping[] = ['annotator', 'class', 'image'];

export interface AgreementResult extends AgreementReport {
  readonly ref: string;
  readonly by?: AgreementGrouping;
  readonly groups?: readonly GroupAgreement[];
}

export async function agreement(
  repo: Repository,
  ref: string,
  opts: { readonly by?: AgreementGrouping } = {},
): Promise<AgreementResult> {
  const { snap } = await snapshotAtRef(repo, ref);
  const acc = await accumulate(repo, snap, opts.by === 'image');
  const report = acc.report();
  if (!opts.by) return { ref, ...report };
  const groups = opts.by === 'annotator' ? acc.byAnnotator(report) : acc.groups(opts.by);
  return { ref, ...report, by: opts.by, groups };
}

/** Every object's votes, an image at a time. */
export async function accumulate(
  repo: Repository,
  snap: Snapshot,
  perImage = false,
): Promise<AgreementAccumulator> {
  const acc = new AgreementAccumulator(perImage);
  let image: string | undefined;
  let objects: Vote[][] = [];
  for await (const batch of scanObjectLabelings(repo, snap))
    for (const o of batch) {
      if (o.image !== image) {
        if (image !== undefined) acc.addImage(image, objects);
        image = o.image;
        objects = [];
      }
      objects.push(
        labelingsOf(o).map((l) => ({
          annotator: l.annotator,
          cls: labelClass(l.content) ?? '',
          box: labelBox(l.content),
        })),
      );
    }
  if (image !== undefined) acc.addImage(image, objects);
  return acc;
}
