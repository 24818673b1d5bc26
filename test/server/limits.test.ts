/**
 * Bad and oversized requests get clear JSON errors with the right status, and write nothing:
 * malformed JSON, too deep JSON, oversized bodies and lines, unsupported media types, too many
 * requests in flight for one token.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

async function branches(s: TestServer): Promise<string[]> {
  const refs = (
    await s.http('GET', s.repoPath('/refs?kind=branch'), { token: s.tokens.read })
  ).json();
  return refs.refs.map((r: { name: string }) => r.name);
}

describe('server limits and malformed input', () => {
  it('refuses malformed and too deeply nested JSON with 400', async () => {
    const s = await startTestServer({ limits: { jsonDepth: 8 } });
    const malformed = await s.http('POST', s.repoPath('/branches'), {
      token: s.tokens.annotate,
      body: '{"name": ',
      contentType: 'application/json',
    });
    expect([malformed.status, malformed.json().error.code]).toEqual([400, 'BAD_REQUEST']);
    let deep: unknown = 'x';
    for (let i = 0; i < 20; i++) deep = { a: deep };
    const nested = await s.http('POST', s.repoPath('/branches'), {
      token: s.tokens.annotate,
      json: { name: 'deep', from: 'main', extra: deep },
    });
    expect([nested.status, nested.json().error.code]).toEqual([400, 'BAD_REQUEST']);
    expect(nested.json().error.message).toMatch(/deeper than 8/);
    const invalid = await s.http('POST', s.repoPath('/branches'), {
      token: s.tokens.annotate,
      json: { nom: 'x' },
    });
    expect([invalid.status, invalid.json().error.code]).toEqual([400, 'BAD_REQUEST']);
    expect(await branches(s)).toEqual(['main']);
  });

  it('refuses oversized JSON bodies, uploads and NDJSON lines with 413', async () => {
    const s = await startTestServer({ limits: { jsonBody: 200, upload: 4000, ndjsonLine: 300 } });
    const big = await s.http('POST', s.repoPath('/branches'), {
      token: s.tokens.annotate,
      json: { name: 'x'.repeat(300) },
    });
    expect([big.status, big.json().error.code]).toEqual([413, 'BODY_TOO_LARGE']);
    const line = JSON.stringify({ image: 'a', label: '1', category: 'car', note: 'n'.repeat(400) });
    const longLine = await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.annotate,
      body: `{"image":"b","label":"1","category":"car"}\n${line}\n`,
    });
    expect([longLine.status, longLine.json().error.code]).toEqual([413, 'BODY_TOO_LARGE']);
    expect(longLine.json().error.message).toMatch(/line 2/);
    const rows = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ image: `i${i}`, label: '1', category: 'car' }),
    ).join('\n');
    const huge = await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.annotate,
      body: rows,
    });
    expect([huge.status, huge.json().error.code]).toEqual([413, 'BODY_TOO_LARGE']);
    const log = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines();
    expect(log).toHaveLength(1);
  });

  it('refuses an unsupported media type with 415', async () => {
    const s = await startTestServer();
    const xml = await s.http('POST', s.repoPath('/branches'), {
      token: s.tokens.annotate,
      body: '<name>x</name>',
      contentType: 'application/xml',
    });
    expect([xml.status, xml.json().error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    for (const route of ['/branches/main/apply', '/branches/main/import']) {
      const json = await s.http('POST', s.repoPath(route), {
        token: s.tokens.annotate,
        json: { op: 'put', image: 'a', label: '1', category: 'car' },
      });
      expect([route, json.status, json.json().error.code]).toEqual([
        route,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ]);
    }
  });

  it('refuses a token with too many requests in flight with 429, and serves it again after', async () => {
    const s = await startTestServer({ limits: { inFlightPerToken: 1 } });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(
          new TextEncoder().encode('{"image":"a","label":"1","category":"car"}\n'),
        );
        await held;
        controller.close();
      },
    });
    const slow = fetch(`${s.url}${s.repoPath('/branches/main/import')}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${s.tokens.annotate}`,
        'content-type': 'application/x-ndjson',
      },
      body,
      duplex: 'half',
    } as RequestInit);
    await new Promise((r) => setTimeout(r, 200));
    const second = await s.http('GET', s.repoPath('/refs'), { token: s.tokens.annotate });
    expect([second.status, second.json().error.code]).toEqual([429, 'RATE_LIMITED']);
    const other = await s.http('GET', s.repoPath('/refs'), { token: s.tokens.read });
    expect(other.status).toBe(200);
    release();
    expect((await slow).status).toBe(200);
    const again = await s.http('GET', s.repoPath('/refs'), { token: s.tokens.annotate });
    expect(again.status).toBe(200);
  });
});
