/**
 * Option value parsers (layer: cli): a bad value is refused by commander while it parses the
 * line, as a usage error (exit 2) naming the option, never read as NaN.
 */
import { InvalidArgumentError, Option } from 'commander';

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/** A number in [0, 1] (`--min-score`). */
export function probability(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('expected a number in [0, 1].');
  return n;
}

/**
 * Options with a fixed set of values take them through commander's `.choices()`: any other
 * value is refused while the line is parsed (exit 2, the allowed values listed), and the help
 * shows them. The api checks them again for library callers; a test keeps these lists equal to
 * the api's.
 */
export const EXPORT_FORMAT_CHOICES = [
  'coco',
  'jsonl',
  'yolo',
  'yolo-seg',
  'voc',
  'mot',
  'cvat',
] as const;
export const RUN_STATUS_CHOICES = ['ok', 'failed'] as const;
export const VECTOR_KIND_CHOICES = ['gradient', 'embedding'] as const;
/** `select --strategy` (the api's SELECT_STRATEGIES; a test checks they agree). */
export const SELECT_STRATEGY_CHOICES = [
  'least-confidence',
  'margin',
  'entropy',
  'random',
  'disagreement',
] as const;

/** `suspects --by` (the api's SUSPECTS_BY; a test checks they agree). */
export const SUSPECTS_BY_CHOICES = ['annotator'] as const;

/** An option `flags` whose value must be one of `choices`. */
export function choiceOption(
  flags: string,
  description: string,
  choices: readonly string[],
): Option {
  return new Option(flags, description).choices(choices);
}

/**
 * A repeatable `KEY=VALUE` option (`--param`, `--metric`): each value is checked as it is
 * parsed (a missing `=`, an empty key, or a key given twice is a usage error) and collected.
 */
export function keyValuePairs(value: string, previous: readonly string[] = []): string[] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected KEY=VALUE.');
  const key = value.slice(0, eq);
  if (previous.some((p) => p.slice(0, p.indexOf('=')) === key))
    throw new InvalidArgumentError(`'${key}' is given twice.`);
  return [...previous, value];
}

/** A value that must be JSON text (`predict record --output`); passed on as typed. */
export function jsonText(value: string): string {
  try {
    JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected JSON.');
  }
  return value;
}
