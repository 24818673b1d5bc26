/**
 * Checks answers against the server's own OpenAPI document: the route is in it, the status is
 * one it lists, and a JSON body (or every NDJSON line) validates against the schema it gives
 * for that status and content type (Ajv, JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 * The harness runs this on every answer its `http()` returns, so every server test checks the
 * document too.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class OpenApiCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly paths: { template: string; pattern: RegExp; params: number }[];

  constructor(readonly doc: Json) {
    (addFormats as unknown as (a: Ajv2020) => void)(this.ajv);
    this.paths = Object.keys(doc['paths'] as Json).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    }));
  }

  /** The document's path template for a concrete path, the most specific when several match. */
  templateOf(path: string): string | undefined {
    const matches = this.paths.filter((p) => p.pattern.test(path));
    matches.sort((a, b) => a.params - b.params);
    return matches[0]?.template;
  }

  /** Problems with one answer (empty when it conforms). */
  check(method: string, url: string, status: number, contentType: string, body: string): string[] {
    const path = url.split('?')[0]!;
    const template = this.templateOf(path);
    if (!template)
      return status === 404 && body.includes('"ROUTE_NOT_FOUND"')
        ? []
        : [`${method} ${path} is not in the OpenAPI document`];
    const op = (this.doc['paths'] as Json)[template]?.[method.toLowerCase()] as Json | undefined;
    if (!op) return [`${method} ${template} is not in the OpenAPI document`];
    const response = (op['responses'] as Json)[String(status)] as Json | undefined;
    if (!response)
      return [`${method} ${template} answered ${status}, which the document does not list`];
    const type = contentType.split(';')[0]!.trim();
    const content = response['content'] as Json | undefined;
    if (!content || body === '') return [];
    const media = content[type] as Json | undefined;
    if (!media) return [`${method} ${template} ${status} answered ${type}, not listed`];
    if (!media['schema']) return [];
    const validate = this.validator(
      `${method} ${template} ${status} ${type}`,
      media['schema'] as Json,
    );
    const values =
      type === 'application/x-ndjson'
        ? body
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as unknown)
        : type === 'application/json'
          ? [JSON.parse(body) as unknown]
          : [];
    const problems: string[] = [];
    for (const v of values)
      if (!validate(v))
        problems.push(
          `${method} ${template} ${status}: ${this.ajv.errorsText(validate.errors)} in ${JSON.stringify(v).slice(0, 300)}`,
        );
    return problems;
  }

  private validator(key: string, schema: Json): ValidateFunction {
    const known = this.compiled.get(key);
    if (known) return known;
    const v = this.ajv.compile({ ...schema, components: this.doc['components'] as Json });
    this.compiled.set(key, v);
    return v;
  }
}
