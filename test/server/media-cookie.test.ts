/**
 * The media cookie against a real server and a real PASCAL VOC JPEG: `POST /media-session` with
 * a bearer token sets an HttpOnly, SameSite=Strict cookie scoped to the repository's blobs; that
 * cookie alone reads the blob and its thumbnail (GET and HEAD), and nothing else: not labels,
 * not a blob upload, not another repository path. A wrong or revoked token in the cookie is a
 * 401, a cookie cannot mint another cookie, and `DELETE /media-session` clears it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const JPEG = readFileSync(
  join(
    import.meta.dirname,
    '../../../shared/data/real/images/review_object_detection_metrics/data/database/images/2007_000549.jpg',
  ),
);
const SHA = createHash('sha256').update(JPEG).digest('hex');

/** The `name=value` part of the Set-Cookie of `answer`, and its attributes. */
function cookieOf(answer: { headers: Headers }): { pair: string; attributes: string[] } {
  const header = answer.headers.get('set-cookie') ?? '';
  const [pair, ...attributes] = header.split(';').map((p) => p.trim());
  return { pair: pair ?? '', attributes };
}

async function serverWithBlob(): Promise<TestServer> {
  const s = await startTestServer();
  const put = await s.http('PUT', s.repoPath(`/blobs/${SHA}`), {
    token: s.tokens.annotate,
    body: JPEG,
    contentType: 'application/octet-stream',
  });
  expect(put.status).toBe(201);
  return s;
}

describe('the media cookie', () => {
  it('lets a browser read images of its repository with the cookie alone, and nothing else', async () => {
    const s = await serverWithBlob();
    const made = await s.http('POST', s.repoPath('/media-session'), { token: s.tokens.read });
    expect(made.status).toBe(204);
    const { pair, attributes } = cookieOf(made);
    expect(pair).toBe(`verso_media=${encodeURIComponent(s.tokens.read)}`);
    expect(attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Strict', `Path=${s.repoPath('/blobs/')}`]),
    );
    const withCookie = (method: string, path: string) =>
      s.http(method, s.repoPath(path), { headers: { cookie: `other=1; ${pair}` } });

    const blob = await fetch(s.url + s.repoPath(`/blobs/${SHA}`), {
      headers: { cookie: pair },
    });
    expect(blob.status).toBe(200);
    expect(Buffer.from(await blob.arrayBuffer()).equals(JPEG)).toBe(true);
    const head = await fetch(s.url + s.repoPath(`/blobs/${SHA}`), {
      method: 'HEAD',
      headers: { cookie: pair },
    });
    expect(head.status).toBe(200);
    const thumb = await withCookie('GET', `/blobs/${SHA}/thumbnail?size=256`);
    expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/webp']);

    // Everything else still needs the header.
    for (const [method, path] of [
      ['GET', '/labels'],
      ['GET', '/whoami'],
      ['GET', '/assets'],
      ['POST', '/media-session'],
    ] as const) {
      const a = await withCookie(method, path);
      expect([method, path, a.status, a.json().error.code]).toEqual([
        method,
        path,
        401,
        'UNAUTHENTICATED',
      ]);
    }
    const upload = await s.http('PUT', s.repoPath(`/blobs/${SHA}`), {
      headers: { cookie: pair },
      body: JPEG,
      contentType: 'application/octet-stream',
    });
    expect(upload.status).toBe(401);
  });

  it('refuses a wrong or revoked token in the cookie, and clears it on DELETE', async () => {
    const s = await serverWithBlob();
    const wrong = await s.http('GET', s.repoPath(`/blobs/${SHA}/thumbnail`), {
      headers: { cookie: 'verso_media=not-a-token' },
    });
    expect([wrong.status, wrong.json().error.code]).toEqual([401, 'TOKEN_UNKNOWN']);

    const created = await s.http('POST', s.repoPath('/tokens'), {
      token: s.tokens.admin,
      json: { name: 'short-lived', role: 'read' },
    });
    expect(created.status).toBe(201);
    const secret = created.json().token as string;
    const { pair } = cookieOf(
      await s.http('POST', s.repoPath('/media-session'), { token: secret }),
    );
    // Raw fetches: the harness's OpenAPI check reads answers as text, and these are bytes.
    const read = () => fetch(s.url + s.repoPath(`/blobs/${SHA}`), { headers: { cookie: pair } });
    expect((await read()).status).toBe(200);
    const revoked = await s.http('DELETE', s.repoPath('/tokens/short-lived'), {
      token: s.tokens.admin,
    });
    expect(revoked.status).toBe(200);
    expect((await read()).status).toBe(401);

    const cleared = await s.http('DELETE', s.repoPath('/media-session'), { token: s.tokens.read });
    expect(cleared.status).toBe(204);
    const { pair: emptied, attributes } = cookieOf(cleared);
    expect(emptied).toBe('verso_media=');
    expect(attributes).toContain('Max-Age=0');
  });
});
