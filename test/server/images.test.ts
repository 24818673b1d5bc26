/**
 * Images over HTTP against a real server, with real images (PASCAL VOC JPEGs, a Label Studio
 * PNG): blobs go in only under their own hash and come back byte for byte with the headers of
 * immutable content, ranges and conditional requests; thumbnails are made once and served from
 * the disk cache; images uploaded as blobs become asset records of a branch in one commit.
 * Refusals (wrong hash, wrong role, malformed or traversing hashes, undecodable bytes, unknown
 * blobs) are JSON errors with stable codes, and nothing is stored or committed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const REAL = join(import.meta.dirname, '../../../shared/data/real');
const VOC = join(REAL, 'images/review_object_detection_metrics/data/database/images');
const JPEG = readFileSync(join(VOC, '2007_000549.jpg')); // 375x500
const JPEG2 = readFileSync(join(VOC, '2007_000636.jpg'));
const PNG = readFileSync(
  join(
    REAL,
    'yolo/label-studio-sdk/tests/custom/converter/data/test_import_yolo_data/images/img_2.png',
  ),
); // 640x427
const NOT_AN_IMAGE = Buffer.from('these bytes are no image, only a sentence\n');

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function put(s: TestServer, bytes: Uint8Array, hash = sha(bytes), token = s.tokens.annotate) {
  return s.http('PUT', s.repoPath(`/blobs/${hash}`), {
    token,
    body: bytes,
    contentType: 'application/octet-stream',
  });
}

/** The raw bytes of a GET (the harness reads bodies as text). */
async function getBytes(s: TestServer, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(s.url + s.repoPath(path), {
    headers: { authorization: `Bearer ${s.tokens.read}`, ...headers },
  });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** A GET whose path is sent exactly as given (no client-side URL normalisation). */
function rawGet(s: TestServer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      s.url + '/',
      { path, headers: { authorization: `Bearer ${s.tokens.read}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject).end();
  });
}

/** Every file under the blob store (temporary files included). */
function storedFiles(s: TestServer): string[] {
  const dir = join(s.repoDir, '.verso', 'blobs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('server: blobs', () => {
  it('stores bytes under their hash and serves them back with immutable caching headers', async () => {
    const s = await startTestServer();
    const first = await put(s, JPEG);
    expect(first.status).toBe(201);
    expect(first.json()).toEqual({ sha256: sha(JPEG), size: JPEG.length, created: true });
    const again = await put(s, JPEG);
    expect([again.status, again.json().created]).toEqual([200, false]);

    const { res, bytes } = await getBytes(s, `/blobs/${sha(JPEG)}`);
    expect(res.status).toBe(200);
    expect(bytes.equals(JPEG)).toBe(true);
    expect(res.headers.get('etag')).toBe(`"${sha(JPEG)}"`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(JPEG.length));
    expect(res.headers.get('accept-ranges')).toBe('bytes');

    await put(s, PNG);
    await put(s, NOT_AN_IMAGE);
    const png = await getBytes(s, `/blobs/${sha(PNG)}`);
    expect([png.res.headers.get('content-type'), png.bytes.equals(PNG)]).toEqual([
      'image/png',
      true,
    ]);
    const other = await getBytes(s, `/blobs/${sha(NOT_AN_IMAGE)}`);
    expect(other.res.headers.get('content-type')).toBe('application/octet-stream');
    expect(other.res.headers.get('x-content-type-options')).toBe('nosniff');

    const head = await fetch(s.url + s.repoPath(`/blobs/${sha(JPEG)}`), {
      method: 'HEAD',
      headers: { authorization: `Bearer ${s.tokens.read}` },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(JPEG.length));
    expect(head.headers.get('etag')).toBe(`"${sha(JPEG)}"`);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const anonymousHead = await fetch(s.url + s.repoPath(`/blobs/${sha(JPEG)}`), {
      method: 'HEAD',
    });
    expect(anonymousHead.status).toBe(401);
  });

  it('refuses bytes that do not hash to the URL, and stores nothing', async () => {
    const s = await startTestServer();
    const claimed = sha(JPEG2);
    const wrong = await put(s, JPEG, claimed);
    expect(wrong.status).toBe(400);
    expect(wrong.json().error.code).toBe('BLOB_HASH_MISMATCH');
    expect(wrong.json().error.data).toMatchObject({ expected: claimed, actual: sha(JPEG) });
    for (const hash of [claimed, sha(JPEG)]) {
      const get = await s.http('GET', s.repoPath(`/blobs/${hash}`), { token: s.tokens.read });
      expect([get.status, get.json().error.code]).toEqual([404, 'BLOB_NOT_FOUND']);
    }
    expect(storedFiles(s)).toEqual([]);

    // Also when the claimed blob is stored already: wrong bytes are refused, the blob unchanged.
    expect((await put(s, JPEG)).status).toBe(201);
    const over = await put(s, JPEG2, sha(JPEG));
    expect([over.status, over.json().error.code]).toEqual([400, 'BLOB_HASH_MISMATCH']);
    expect((await getBytes(s, `/blobs/${sha(JPEG)}`)).bytes.equals(JPEG)).toBe(true);
    expect(storedFiles(s)).toEqual([sha(JPEG)]);
  });

  it('takes blob bytes only as application/octet-stream (415 otherwise, nothing stored)', async () => {
    const s = await startTestServer();
    for (const contentType of ['image/jpeg', 'application/json', 'text/plain']) {
      const a = await s.http('PUT', s.repoPath(`/blobs/${sha(JPEG)}`), {
        token: s.tokens.annotate,
        body: contentType === 'image/jpeg' ? JPEG : '{"a": 1}',
        contentType,
      });
      expect([contentType, a.status, a.json().error.code]).toEqual([
        contentType,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ]);
    }
    expect(storedFiles(s)).toEqual([]);
  });

  it('refuses a read token with 403 before storing anything', async () => {
    const s = await startTestServer();
    const refused = await put(s, JPEG, sha(JPEG), s.tokens.read);
    expect([refused.status, refused.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const none = await s.http('PUT', s.repoPath(`/blobs/${sha(JPEG)}`), {
      body: JPEG,
      contentType: 'application/octet-stream',
    });
    expect(none.status).toBe(401);
    expect(storedFiles(s)).toEqual([]);
  });

  it('refuses malformed hashes and path traversal through the hash with 400', async () => {
    const s = await startTestServer();
    await put(s, JPEG);
    const h = sha(JPEG);
    const bad = [
      h.toUpperCase(),
      h.slice(0, 63),
      `${h}0`,
      'z'.repeat(64),
      '..%2F..%2F..%2Fcatalog.sqlite',
      `..%2F${h.slice(0, 2)}%2F${h.slice(2, 4)}%2F${h}`,
      `${h.slice(0, 63)}%00`,
      `${h.slice(0, 60)}%2F..`,
    ];
    for (const hash of bad) {
      for (const [method, path, token] of [
        ['GET', `/blobs/${hash}`, s.tokens.read],
        ['GET', `/blobs/${hash}/thumbnail`, s.tokens.read],
        ['PUT', `/blobs/${hash}`, s.tokens.annotate],
      ] as const) {
        const answer = await s.http(method, s.repoPath(path), {
          token,
          ...(method === 'PUT' ? { body: JPEG, contentType: 'application/octet-stream' } : {}),
        });
        expect([hash, answer.status, answer.json().error.code]).toEqual([hash, 400, 'BAD_REQUEST']);
      }
    }
    // Dot segments sent as they are (a browser's fetch would resolve them first): no route
    // matches, or the hash is refused; nothing outside the blob store is ever read.
    for (const path of [
      '/blobs/../../catalog.sqlite',
      '/blobs/..%2F..%2Fcatalog.sqlite',
      `/blobs/%2e%2e/thumbnail`,
      `/blobs/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`,
    ]) {
      const answer = await rawGet(s, s.repoPath(path));
      expect([path, answer.status]).toEqual([path, answer.status === 404 ? 404 : 400]);
      expect(JSON.parse(answer.body).error.code).toMatch(/^(BAD_REQUEST|ROUTE_NOT_FOUND)$/);
    }
    expect(storedFiles(s)).toHaveLength(1);
  });

  it('answers If-None-Match with 304 and no body', async () => {
    const s = await startTestServer();
    await put(s, JPEG);
    for (const tag of [`"${sha(JPEG)}"`, `W/"${sha(JPEG)}"`, `"other", "${sha(JPEG)}"`, '*']) {
      const { res, bytes } = await getBytes(s, `/blobs/${sha(JPEG)}`, { 'if-none-match': tag });
      expect([tag, res.status, bytes.length]).toEqual([tag, 304, 0]);
      expect(res.headers.get('etag')).toBe(`"${sha(JPEG)}"`);
    }
    const stale = await getBytes(s, `/blobs/${sha(JPEG)}`, { 'if-none-match': '"other"' });
    expect(stale.res.status).toBe(200);
  });

  it('serves single byte ranges, refuses unsatisfiable ones, answers multi-range in full', async () => {
    const s = await startTestServer();
    await put(s, JPEG);
    const path = `/blobs/${sha(JPEG)}`;
    const n = JPEG.length;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=-100', n - 100, n - 1],
      [`bytes=${n - 10}-`, n - 10, n - 1],
      [`bytes=100-${n + 5000}`, 100, n - 1],
      [`bytes=-${n + 1}`, 0, n - 1],
    ];
    for (const [range, start, end] of cases) {
      const { res, bytes } = await getBytes(s, path, { range });
      expect([range, res.status]).toEqual([range, 206]);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${n}`);
      expect(res.headers.get('content-length')).toBe(String(end - start + 1));
      expect(bytes.equals(JPEG.subarray(start, end + 1))).toBe(true);
    }
    for (const range of [`bytes=${n}-`, `bytes=${n + 10}-${n + 20}`, 'bytes=-0']) {
      const { res, bytes } = await getBytes(s, path, { range });
      expect([range, res.status]).toEqual([range, 416]);
      expect(res.headers.get('content-range')).toBe(`bytes */${n}`);
      expect(JSON.parse(bytes.toString()).error.code).toBe('RANGE_NOT_SATISFIABLE');
    }
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=9-3']) {
      const { res, bytes } = await getBytes(s, path, { range });
      expect([range, res.status, bytes.equals(JPEG)]).toEqual([range, 200, true]);
    }
  });
});

describe('server: where to read a blob', () => {
  it("answers this server's own blob path on the embedded store (no presigned URLs there), and the file to a client on its machine", async () => {
    const s = await startTestServer();
    try {
      await put(s, JPEG);
      const where = await s.http('GET', s.repoPath(`/blobs/${sha(JPEG)}/url`), {
        token: s.tokens.read,
      });
      expect(where.status).toBe(200);
      const answer = where.json() as { path?: string };
      expect(answer).toEqual({
        url: s.repoPath(`/blobs/${sha(JPEG)}`),
        direct: false,
        size: JPEG.length,
        // This client is on the server's machine (loopback): it is told the blob's file too.
        path: expect.stringMatching(new RegExp(`/${sha(JPEG)}$`)),
      });
      expect(readFileSync(answer.path!).equals(JPEG)).toBe(true);
      const { bytes } = await getBytes(s, `/blobs/${sha(JPEG)}`);
      expect(bytes.equals(JPEG)).toBe(true);
      const unknown = await s.http('GET', s.repoPath(`/blobs/${sha(JPEG2)}/url`), {
        token: s.tokens.read,
      });
      expect([unknown.status, unknown.json().error.code]).toEqual([404, 'BLOB_NOT_FOUND']);
      const tooLong = await s.http(
        'GET',
        s.repoPath(`/blobs/${sha(JPEG)}/url?expires_in=${8 * 24 * 3600}`),
        { token: s.tokens.read },
      );
      expect(tooLong.status).toBe(400);
      const anonymous = await s.http('GET', s.repoPath(`/blobs/${sha(JPEG)}/url`));
      expect(anonymous.status).toBe(401);
    } finally {
      await s.close();
    }
  });
});

describe('server: thumbnails', () => {
  it('makes a decodable WebP within the size once, then serves it from the disk cache', async () => {
    const s = await startTestServer();
    await put(s, JPEG);
    const h = sha(JPEG);
    const first = await getBytes(s, `/blobs/${h}/thumbnail?size=128`);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('content-type')).toBe('image/webp');
    expect(first.res.headers.get('etag')).toBe(`"${h}-128"`);
    expect(first.res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const meta = await sharp(first.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 96, 128]); // 375x500 fitted

    const cached = join(s.repoDir, '.verso/cache/thumbnails/128', `${h}.webp`);
    expect(readFileSync(cached).equals(first.bytes)).toBe(true);
    const mtime = statSync(cached).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const second = await getBytes(s, `/blobs/${h}/thumbnail?size=128`);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(statSync(cached).mtimeMs).toBe(mtime);
    const notModified = await getBytes(s, `/blobs/${h}/thumbnail?size=128`, {
      'if-none-match': `"${h}-128"`,
    });
    expect(notModified.res.status).toBe(304);

    const other = await getBytes(s, `/blobs/${h}/thumbnail`); // default 256
    expect((await sharp(other.bytes).metadata()).height).toBe(256);
    expect(readdirSync(join(s.repoDir, '.verso/cache/thumbnails')).sort()).toEqual(['128', '256']);
  });

  it('answers concurrent requests for one thumbnail with the same bytes and one cache file', async () => {
    const s = await startTestServer();
    await put(s, PNG);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => getBytes(s, `/blobs/${sha(PNG)}/thumbnail?size=512`)),
    );
    for (const a of answers) expect(a.bytes.equals(answers[0]!.bytes)).toBe(true);
    const meta = await sharp(answers[0]!.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([512, 342]); // 640x427 fitted
    expect(readdirSync(join(s.repoDir, '.verso/cache/thumbnails/512'))).toEqual([
      `${sha(PNG)}.webp`,
    ]);
  });

  it('refuses sizes outside the set, undecodable bytes (422) and unknown blobs (404)', async () => {
    const s = await startTestServer();
    await put(s, JPEG);
    await put(s, NOT_AN_IMAGE);
    const truncated = JPEG.subarray(0, 200);
    await put(s, truncated);
    for (const size of ['100', '0', '4096', 'big']) {
      const a = await s.http('GET', s.repoPath(`/blobs/${sha(JPEG)}/thumbnail?size=${size}`), {
        token: s.tokens.read,
      });
      expect([size, a.status, a.json().error.code]).toEqual([size, 400, 'BAD_REQUEST']);
    }
    for (const bytes of [NOT_AN_IMAGE, truncated]) {
      const a = await s.http('GET', s.repoPath(`/blobs/${sha(bytes)}/thumbnail?size=64`), {
        token: s.tokens.read,
      });
      expect([a.status, a.json().error.code]).toEqual([422, 'IMAGE_UNDECODABLE']);
      expect(a.json().error.message).not.toContain(s.repoDir);
    }
    const cacheDir = join(s.repoDir, '.verso/cache/thumbnails/64');
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
    const unknown = await s.http('GET', s.repoPath(`/blobs/${'0'.repeat(64)}/thumbnail`), {
      token: s.tokens.read,
    });
    expect([unknown.status, unknown.json().error.code]).toEqual([404, 'BLOB_NOT_FOUND']);
  });
});

describe('server: assets', () => {
  it('adds uploaded blobs to a branch as one commit and serves their asset records', async () => {
    const s = await startTestServer();
    for (const b of [JPEG, PNG]) await put(s, b);
    const added = await s.http('POST', s.repoPath('/branches/main/images?message=two%20images'), {
      token: s.tokens.annotate,
      json: [
        { image: '2007_000549', sha256: sha(JPEG) },
        { image: 'img_2', sha256: sha(PNG), file_name: 'train/img_2.png' },
      ],
    });
    expect(added.status).toBe(200);
    expect(added.json()).toMatchObject({ committed: true, images: 2, added: 2, blobs_new: 0 });
    const log = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines();
    expect(log[0]).toMatchObject({
      id: added.json().commit,
      author: 'annotate-user',
      message: 'two images',
    });

    const assets = (
      await s.http('GET', s.repoPath('/assets?ref=main'), { token: s.tokens.read })
    ).lines();
    expect(assets).toEqual([
      {
        image: '2007_000549',
        file_name: '2007_000549.jpg',
        width: 375,
        height: 500,
        media_type: 'image/jpeg',
        sha256: sha(JPEG),
        size: JPEG.length,
        storage: 'blob',
      },
      {
        image: 'img_2',
        file_name: 'train/img_2.png',
        width: 640,
        height: 427,
        media_type: 'image/png',
        sha256: sha(PNG),
        size: PNG.length,
        storage: 'blob',
      },
    ]);
    const one = await s.http('GET', s.repoPath('/assets/img_2?ref=main'), { token: s.tokens.read });
    expect(one.json()).toEqual(assets[1]);
    const odd = await s.http('POST', s.repoPath('/branches/main/images'), {
      token: s.tokens.annotate,
      json: [{ image: 'train/a b%', sha256: sha(JPEG) }],
    });
    expect(odd.status).toBe(200);
    const oddRecord = await s.http(
      'GET',
      s.repoPath(`/assets/${encodeURIComponent('train/a b%')}`),
      {
        token: s.tokens.read,
      },
    );
    expect(oddRecord.json()).toMatchObject({ image: 'train/a b%', file_name: 'train/a b%.jpg' });
    const missing = await s.http('GET', s.repoPath('/assets/nope'), { token: s.tokens.read });
    expect([missing.status, missing.json().error.code]).toEqual([404, 'ASSET_NOT_FOUND']);
    const badRef = await s.http('GET', s.repoPath('/assets?ref=nope'), { token: s.tokens.read });
    expect([badRef.status, badRef.json().error.code]).toEqual([404, 'REF_NOT_FOUND']);
    // A page's images in one lookup: in id order, the ones without a record left out.
    const lookup = (body: unknown, token = s.tokens.read) =>
      s.http('POST', s.repoPath('/assets/lookup'), { token, json: body });
    const some = await lookup({ ref: 'main', images: ['train/a b%', 'nope', 'img_2', 'img_2'] });
    expect(some.status).toBe(200);
    expect(some.json().assets).toEqual([assets[1], oddRecord.json()]);
    const lookupBadRef = await lookup({ ref: 'nope', images: ['img_2'] });
    expect([lookupBadRef.status, lookupBadRef.json().error.code]).toEqual([404, 'REF_NOT_FOUND']);
    const tooMany = await lookup({ images: Array.from({ length: 1001 }, (_, i) => `i${i}`) });
    expect(tooMany.status).toBe(400);
    expect((await lookup({ images: ['img_2'] }, 'wrong-token')).status).toBe(401);
  });

  it('commits nothing when a named blob is missing, no image, or one id names two blobs', async () => {
    const s = await startTestServer();
    for (const b of [JPEG, JPEG2, NOT_AN_IMAGE]) await put(s, b);
    const cases: [unknown[], number, string][] = [
      [
        [
          { image: 'a', sha256: sha(JPEG) },
          { image: 'b', sha256: '1'.repeat(64) },
        ],
        404,
        'BLOB_NOT_FOUND',
      ],
      [
        [
          { image: 'a', sha256: sha(JPEG) },
          { image: 'b', sha256: sha(NOT_AN_IMAGE) },
        ],
        400,
        'IMAGE_FILE',
      ],
      [
        [
          { image: 'a', sha256: sha(JPEG) },
          { image: 'a', sha256: sha(JPEG2) },
        ],
        400,
        'IMAGE_ID_COLLISION',
      ],
      [[{ image: 'a', sha256: 'ABC' }], 400, 'BAD_REQUEST'],
      [[], 400, 'BAD_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      const a = await s.http('POST', s.repoPath('/branches/main/images'), {
        token: s.tokens.annotate,
        json: body,
      });
      expect([a.status, a.json().error.code]).toEqual([status, code]);
      expect(a.text).not.toContain(s.repoDir);
    }
    const reader = await s.http('POST', s.repoPath('/branches/main/images'), {
      token: s.tokens.read,
      json: [{ image: 'a', sha256: sha(JPEG) }],
    });
    expect(reader.status).toBe(403);
    const log = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines();
    expect(log).toHaveLength(1);
    const assets = await s.http('GET', s.repoPath('/assets'), { token: s.tokens.read });
    expect([assets.status, assets.text]).toEqual([200, '']);
  });

  it('lists every image route in the OpenAPI document', async () => {
    const s = await startTestServer();
    const doc = (await s.http('GET', '/openapi.json')).json();
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/repos/{repo}/blobs/{sha256}'] ?? {})).toEqual(
      expect.arrayContaining(['put', 'get']),
    );
    for (const p of ['/blobs/{sha256}/thumbnail', '/assets', '/assets/{image}'])
      expect(paths[`/repos/{repo}${p}`]).toHaveProperty('get');
    expect(paths['/repos/{repo}/assets/lookup']).toHaveProperty('post');
    expect(paths['/repos/{repo}/branches/{branch}/images']).toHaveProperty('post');
  });
});
