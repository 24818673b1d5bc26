import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { FormatParseError } from '../core/errors.js';
import { MAX_XML_DEPTH, parseXmlDocument, XML_PARSER_OPTIONS } from './xml-document.js';

const parser = new XMLParser({
  ...XML_PARSER_OPTIONS,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
});
const parse = (text: string) => parseXmlDocument(text, 'a.xml', parser);
const refusal = (text: string): FormatParseError => {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof FormatParseError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('parseXmlDocument', () => {
  it('decodes the predefined entities and character references, in text and attributes', () => {
    expect(
      parse('<a n="x&amp;y&#x1F600;"><b>caf&#233; &lt;&gt;&quot;&apos;&amp;amp;</b></a>'),
    ).toEqual({ a: { '@n': 'x&y😀', b: 'café <>"\'&amp;' } });
  });

  it('keeps CDATA and comments literal (their & and < are not markup)', () => {
    expect(parse('<a><!-- &lol; <b> --><b><![CDATA[&lol; <c>]]></b></a>')).toEqual({
      a: { b: '&lol; <c>' },
    });
  });

  it.each([
    [
      'a DTD with entity declarations',
      '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY lol "lol">]>\n<a>&lol;</a>',
      2,
      'DOCTYPE',
    ],
    [
      'an external entity',
      '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
      1,
      'no entities',
    ],
    ['an undefined entity', '<a>\n<b>train&lol8;</b></a>', 2, "undefined entity '&lol8;'"],
    ['an undefined entity in an attribute', '<a n="&nbsp;"/>', 1, "undefined entity '&nbsp;'"],
    [
      'a reference to a surrogate',
      '<a>\n\n<b>x&#xD800;</b></a>',
      3,
      "'&#xD800;' names no character",
    ],
    ['a reference to NUL', '<a>&#0;</a>', 1, "'&#0;'"],
    ['a reference past U+10FFFF', '<a>&#x110000;</a>', 1, 'U+110000'],
    ['malformed XML', '<a><b></a>', 1, 'malformed XML'],
    ['a truncated file', '<a>\n<b><c>x</c>', 1, 'the file ends before <a>, <b> are closed'],
  ])('refuses %s with the line', (_what, text, line, fragment) => {
    const e = refusal(text);
    expect(e.data).toMatchObject({ file: 'a.xml', line });
    expect(e.message).toContain(fragment);
  });

  it(`reads ${MAX_XML_DEPTH} levels of elements and refuses ${MAX_XML_DEPTH + 1} (any depth, no stack overflow)`, () => {
    const deep = (n: number) => '<d>'.repeat(n) + 'x' + '</d>'.repeat(n);
    expect(() => parse(deep(MAX_XML_DEPTH))).not.toThrow();
    expect(refusal(deep(MAX_XML_DEPTH + 1)).message).toContain('nested more than');
    expect(refusal(`<a>\n${deep(200_000)}</a>`).data).toMatchObject({ line: 2 });
    expect(() => parse('<a>' + '<e/>'.repeat(1000) + '<f k=">"/></a>')).not.toThrow();
  });
});
