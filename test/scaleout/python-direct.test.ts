/**
 * The Python client on a repository whose images are in S3 (real PostgreSQL and s3rver started
 * by the test, a real `verso serve`, Debian's python3): images uploaded through the server are
 * read back straight from the object store by presigned URL (`image_location().direct`), the URL
 * needs no token, and ranges work; on an embedded repository the same calls read through the
 * server (`direct` False).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/helpers.js';
import { startTestServer, type TestServer } from '../server/harness.js';
import { useScaleoutBackends } from './backends.js';

const backends = useScaleoutBackends();
const PYTHON = process.env['VERSO_PYTHON'] ?? '/usr/bin/python3';
const IMAGE = join(
  REPO_ROOT,
  '../shared/data/real/images/review_object_detection_metrics/data/database/images/2007_000549.jpg',
);

const SCRIPT = `
import hashlib, json, sys, urllib.request
import verso
url, token, path = sys.argv[1:4]
repo = verso.connect(url, token=token)
data = open(path, "rb").read()
repo.add_images("main", {"2007_000549": path})
where = repo.image_location("2007_000549")
plain = urllib.request.urlopen(where.url).read() if where.direct else None
print(json.dumps({
  "direct": where.direct,
  "url": where.url,
  "same": repo.image("2007_000549") == data,
  "range": repo.image("2007_000549", byte_range=range(6, 10)).decode("latin-1"),
  "untokened": plain == data if plain is not None else None,
  "image_url": repo.image_url("2007_000549", expires_in=30),
}))
`;

function runPython(s: TestServer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCRIPT, s.url + s.repoPath(''), s.tokens.admin, IMAGE], {
      env: { ...process.env, PYTHONPATH: join(REPO_ROOT, 'python') },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Record<string, unknown>)
        : reject(new Error(`python exited ${code}:\n${err}`)),
    );
  });
}

describe('scale-out: the Python client reads images straight from S3', () => {
  it('reads by presigned URL on S3, and through the server on the embedded store', async () => {
    const b = backends();
    const onS3 = await startTestServer({
      backends: { catalog: b.catalogUrl('python'), store: await b.storeUrl('verso-py', 'repo') },
    });
    const embedded = await startTestServer();
    try {
      const s3 = await runPython(onS3);
      expect(s3).toMatchObject({ direct: true, same: true, range: 'JFIF', untokened: true });
      expect(String(s3['url']).startsWith(b.s3.endpoint)).toBe(true);
      expect(String(s3['image_url'])).toContain('X-Amz-Expires=30');

      const local = await runPython(embedded);
      expect(local).toMatchObject({ direct: false, same: true, range: 'JFIF', untokened: null });
      expect(local['url']).toBe(
        embedded.url + embedded.repoPath('/blobs/') + String(local['url']).slice(-64),
      );
    } finally {
      await Promise.all([onS3.close(), embedded.close()]);
    }
  });
});
