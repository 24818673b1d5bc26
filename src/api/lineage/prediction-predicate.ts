/**
 * A `--where` over predictions (layer: api): the filter language applied to a prediction's own
 * fields (`class`, `score`, `kind`, `attributes.X`; the key's `image`, and `label` for the
 * prediction id) and its image's asset record (`image.*`), as `select` and `predict promote`
 * read it. Reviews, splits, change sets and the annotators' `annotators`/`agreement` belong to
 * labels, and `pred(M)` terms to a label's join: they are refused here, naming the expression.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { compileFilter, filterNeeds, type Predicate } from '../../query/evaluate.js';
import type { Expr } from '../../query/ast.js';

export function predictionPredicate(expr: Expr, where: string): Predicate {
  const needs = filterNeeds(expr);
  const labelsOnly = needs.reviews || needs.splits || needs.annotations;
  if (labelsOnly || needs.changes.length > 0 || needs.predictions.length > 0)
    throw new InvalidArgumentError(
      'where',
      where,
      "a prediction filter reads the prediction's own fields (class, score, kind, attributes.X) and its image's (image.*); reviews, splits, changes, annotators, agreement and pred(M) are the labels'",
      { option: 'where' },
    );
  return compileFilter(expr);
}
