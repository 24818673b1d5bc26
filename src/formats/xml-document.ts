/**
 * XML input for the VOC and CVAT readers (layer: formats): the subset of XML that annotation
 * tools write, checked before it is parsed.
 *
 * - No DTD: a `<!DOCTYPE` is refused. Entity declarations are how XML bombs (exponential
 *   expansion) and external entities (`SYSTEM "file:///etc/passwd"`) work, and no annotation
 *   tool writes one; the parser used to store their references literally (`train&lol8;`).
 * - References: the five predefined entities (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`) and
 *   character references (`&#233;` `&#xE9;`) to characters XML allows; they are decoded here
 *   (`xmlEntityDecoder`). Any other `&name;` is an undefined entity and refused.
 * - Nesting: at most `MAX_XML_DEPTH` elements deep (VOC needs 5, CVAT 8), checked by this
 *   scan, so the parser's own limit never fires as an internal error.
 * Every refusal is a `FormatParseError` naming the file and the 1-based line. The text must be
 * well-formed (fast-xml-parser's validator, which reports the line); then the parser runs, and
 * anything it still throws is reported the same way, never as a stack trace.
 */
import { XMLValidator, type XMLParser } from 'fast-xml-parser';
import { FormatParseError } from '../core/errors.js';

export const MAX_XML_DEPTH = 64;

type Node = { [k: string]: unknown };

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z_][\w.-]*));/g;
/** The same, matching only at `lastIndex`. */
const REFERENCE_AT = new RegExp(REFERENCE.source, 'y');

/** fast-xml-parser's hook: decodes the references `checkXmlText` let through. */
export const xmlEntityDecoder = {
  setExternalEntities: (): void => {},
  addInputEntities: (): void => {},
  reset: (): void => {},
  setXmlVersion: (): void => {},
  decode: (text: string): string =>
    text.includes('&')
      ? text.replace(REFERENCE, (ref, hex?: string, dec?: string, name?: string) =>
          name !== undefined
            ? (PREDEFINED.get(name) ?? ref)
            : String.fromCodePoint(parseInt(hex ?? dec!, hex ? 16 : 10)),
        )
      : text,
};

/** Parser options every reader shares (add its own `isArray`, attribute settings...). */
export const XML_PARSER_OPTIONS = {
  parseTagValue: false,
  trimValues: true,
  entityDecoder: xmlEntityDecoder,
  maxNestedTags: MAX_XML_DEPTH + 1,
} as const;

/** Checks, validates and parses `text`; `file` names it in errors. */
export function parseXmlDocument(text: string, file: string, parser: XMLParser): Node {
  checkXmlText(text, file);
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new FormatParseError(
      file,
      valid.err.line,
      null,
      `malformed XML (${readable(valid.err.msg)})`,
    );
  try {
    return parser.parse(text) as Node;
  } catch (e) {
    throw new FormatParseError(
      file,
      'document',
      null,
      `cannot read this XML (${(e as Error).message})`,
    );
  }
}

/** The validator's "Invalid '[ "a", "b"]' found." (elements never closed) said plainly. */
function readable(msg: string): string {
  const open = /^Invalid '(\[.*\])' found\.$/s.exec(msg);
  if (!open) return msg;
  try {
    const names = JSON.parse(open[1]!) as string[];
    const list = names.map((n) => `<${n}>`).join(', ');
    return `the file ends before ${list} ${names.length === 1 ? 'is' : 'are'} closed (truncated?)`;
  } catch {
    return msg;
  }
}

/**
 * Refuses DTDs, undefined entities, references to characters XML does not allow, and nesting
 * deeper than `MAX_XML_DEPTH`. One pass; comments, CDATA sections and processing instructions
 * are skipped (their `&` and `<` are not markup). Malformed text is left to the validator.
 */
export function checkXmlText(text: string, file: string): void {
  new XmlScan(text, file).run();
}

class XmlScan {
  /** The next '&' at or after the scan position (-1: none left). */
  private amp: number;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.amp = text.indexOf('&');
  }

  run(): void {
    const { text } = this;
    let depth = 0;
    for (let i = 0; i < text.length;) {
      const lt = text.indexOf('<', i);
      this.referencesBefore(lt < 0 ? text.length : lt);
      if (lt < 0) break;
      if (text.startsWith('<!--', lt)) i = this.skipPast(lt, '-->');
      else if (text.startsWith('<![CDATA[', lt)) i = this.skipPast(lt, ']]>');
      else if (text.startsWith('<?', lt)) i = this.skipPast(lt, '?>');
      else if (text.startsWith('<!', lt))
        this.fail(
          lt,
          'a <!DOCTYPE> or other declaration: Verso reads no DTDs and expands no entities (neither declared nor external); remove the declaration (annotation tools do not write one)',
        );
      else if (text[lt + 1] === '/') {
        depth--;
        i = lt + 2;
      } else {
        const end = this.tagEnd(lt + 1);
        if (text[end - 1] !== '/' && ++depth > MAX_XML_DEPTH)
          this.fail(
            lt,
            `elements nested more than ${MAX_XML_DEPTH} levels deep (Verso reads at most ${MAX_XML_DEPTH})`,
          );
        i = end + 1;
      }
    }
  }

  /** Checks every reference that starts before `limit`. */
  private referencesBefore(limit: number): void {
    while (this.amp >= 0 && this.amp < limit) {
      this.checkReference(this.amp);
      this.amp = this.text.indexOf('&', this.amp + 1);
    }
  }

  /** Index of the '>' closing the tag that starts at `i` (quoted attribute values skipped). */
  private tagEnd(i: number): number {
    const { text } = this;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '>') return i;
      if (c === '"' || c === "'") {
        const close = text.indexOf(c, i + 1);
        if (close < 0) return text.length;
        this.referencesBefore(close);
        i = close;
      }
    }
    return text.length;
  }

  private skipPast(from: number, end: string): number {
    const at = this.text.indexOf(end, from);
    const next = at < 0 ? this.text.length : at + end.length;
    while (this.amp >= 0 && this.amp < next) this.amp = this.text.indexOf('&', this.amp + 1);
    return next;
  }

  private checkReference(at: number): void {
    REFERENCE_AT.lastIndex = at;
    const m = REFERENCE_AT.exec(this.text);
    if (!m) return; // a bare '&': malformed, the validator reports it
    const [ref, hex, dec, name] = m;
    if (name !== undefined) {
      if (!PREDEFINED.has(name))
        this.fail(
          at,
          `undefined entity '${ref}': without a DTD, XML knows only &lt; &gt; &amp; &quot; &apos; and character references`,
        );
      return;
    }
    const code = parseInt(hex ?? dec!, hex ? 16 : 10);
    if (!isXmlChar(code))
      this.fail(
        at,
        `character reference '${ref}' names no character XML allows (U+${code.toString(16).toUpperCase()})`,
      );
  }

  private fail(at: number, why: string): never {
    throw new FormatParseError(this.file, lineAt(this.text, at), null, why);
  }
}

/** XML 1.0 `Char`: no control characters but tab/newlines, no surrogates, nothing past U+10FFFF. */
function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
