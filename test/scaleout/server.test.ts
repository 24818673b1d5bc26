/**
 * `verso serve` over a repository on PostgreSQL + S3 (real servers started by the test): blobs
 * uploaded through the server land in the bucket under their hash, and `GET /blobs/{sha}/url`
 * answers a presigned URL that reads the bytes straight from the object store without a token;
 * thumbnails are made from the bucket's bytes; images and labels written over HTTP are committed
 * to the catalog in PostgreSQL and read back; every answer validates against the OpenAPI
 * document (the harness checks it).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/helpers.js';
import { startTestServer } from '../server/harness.js';
import { useScaleoutBackends } from './backends.js';

const backends = useScaleoutBackends();
const VOC = join(
  REPO_ROOT,
  '../shared/data/real/images/review_object_detection_metrics/data/database/images',
);
const JPEG = readFileSync(join(VOC, '2007_000549.jpg')); // 375x500
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('scale-out: the server on PostgreSQL + S3', () => {
  it('stores blobs in the bucket, hands out presigned URLs, and commits over HTTP', async () => {
    const b = backends();
    const s = await startTestServer({
      backends: {
        catalog: b.catalogUrl('served'),
        store: await b.storeUrl('verso-served', 'repo'),
      },
    });
    try {
      const put = await s.http('PUT', s.repoPath(`/blobs/${sha(JPEG)}`), {
        token: s.tokens.annotate,
        body: JPEG,
        contentType: 'application/octet-stream',
      });
      expect(put.status).toBe(201);
      const head = await b.s3
        .client()
        .send(new HeadObjectCommand({ Bucket: 'verso-served', Key: `repo/blobs/${sha(JPEG)}` }));
      expect(head.ContentLength).toBe(JPEG.length);

      const where = await s.http('GET', s.repoPath(`/blobs/${sha(JPEG)}/url?expires_in=60`), {
        token: s.tokens.read,
      });
      expect(where.status).toBe(200);
      const answer = where.json();
      expect(answer).toMatchObject({ direct: true, size: JPEG.length });
      expect(answer.url.startsWith(b.s3.endpoint)).toBe(true);
      expect(Date.parse(answer.expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
      // No token: the presigned URL itself is the permission.
      const direct = await fetch(answer.url);
      expect(direct.status).toBe(200);
      expect(Buffer.from(await direct.arrayBuffer()).equals(JPEG)).toBe(true);

      const thumb = await fetch(s.url + s.repoPath(`/blobs/${sha(JPEG)}/thumbnail?size=128`), {
        headers: { authorization: `Bearer ${s.tokens.read}` },
      });
      expect(thumb.status).toBe(200);
      const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', 96, 128]);

      const added = await s.http('POST', s.repoPath('/branches/main/images'), {
        token: s.tokens.annotate,
        json: [{ image: '2007_000549', sha256: sha(JPEG) }],
      });
      expect(added.json()).toMatchObject({ committed: true, images: 1 });
      const label = {
        op: 'put',
        image: '2007_000549',
        label: 'dog-1',
        category: 'dog',
        bbox: [10, 20, 100, 120],
      };
      const applied = await s.http('POST', s.repoPath('/branches/main/apply'), {
        token: s.tokens.annotate,
        body: JSON.stringify(label) + '\n',
        contentType: 'application/x-ndjson',
      });
      expect(applied.status).toBe(200);
      const labels = (
        await s.http('GET', s.repoPath('/labels?ref=main'), { token: s.tokens.read })
      ).lines();
      expect(labels).toEqual([expect.objectContaining({ image: '2007_000549', label: 'dog-1' })]);
      const log = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines();
      expect(log[0]).toMatchObject({ id: applied.json().commit, author: 'annotate-user' });
    } finally {
      await s.close();
    }
  });
});
