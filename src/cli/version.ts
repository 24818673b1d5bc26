/**
 * The version `verso --version` prints (layer: cli): the `version` of the package.json that
 * ships with this build (`dist/cli/` and `src/cli/` are both two levels below it).
 */
import { readFileSync } from 'node:fs';

export function versoVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
