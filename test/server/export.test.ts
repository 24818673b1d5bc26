/**
 * Exports through the server, on real annotations (the 100 PASCAL VOC images of
 * review_object_detection_metrics, as a CVAT COCO export): COCO and JSONL come back as the
 * exact bytes `verso export` writes for the same ref (the library's export, run before the
 * server opened the repository), YOLO and VOC as a tar archive holding the files of that
 * export's folder (listed and unpacked with the system's tar), an async export is downloadable
 * from its operation, and bad requests are JSON errors that leave no scratch files behind.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSnapshot, importCoco, importCvat } from '../../src/api/interchange/index.js';
import { createBranch } from '../../src/api/repository/index.js';
import { startTestServer, type TestServer } from './harness.js';

const COCO = join(
  import.meta.dirname,
  '../../../shared/data/real/coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);
const IMAGES = join(
  import.meta.dirname,
  '../../../shared/data/real/images/review_object_detection_metrics/data/database/images',
);
const VIDEO = join(
  import.meta.dirname,
  '../../../shared/data/real/cvat/traffic-video-tracking/annotations.xml',
);
const WHERE = 'class = person';

const expected = mkdtempSync(join(tmpdir(), 'verso-export-expected-'));
afterAll(() => rmSync(expected, { recursive: true, force: true }));

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({
    commitTime: '2026-03-01T12:00:00.000Z',
    setup: async (repo) => {
      await importCoco(repo, { file: COCO, branch: 'main', split: 'train', images: IMAGES });
      const out = (name: string) => join(expected, name);
      await exportSnapshot(repo, { ref: 'main', format: 'coco', out: out('all.json') });
      await exportSnapshot(repo, {
        ref: 'main',
        format: 'jsonl',
        out: out('persons.jsonl'),
        where: WHERE,
      });
      await exportSnapshot(repo, { ref: 'main', format: 'yolo', out: out('yolo') });
      await exportSnapshot(repo, { ref: 'main', format: 'voc', out: out('voc'), where: WHERE });
      await exportSnapshot(repo, {
        ref: 'main',
        format: 'yolo',
        out: out('yolo-images'),
        where: WHERE,
        withImages: true,
      });
      await exportSnapshot(repo, { ref: 'main', format: 'cvat', out: out('all.xml') });
      await createBranch(repo, 'video');
      await importCvat(repo, { path: VIDEO, branch: 'video' });
      await exportSnapshot(repo, { ref: 'video', format: 'coco', out: out('video.json') });
      await exportSnapshot(repo, { ref: 'video', format: 'yolo', out: out('video-yolo') });
    },
  });
});

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** The raw bytes of a GET (the harness reads text). */
async function bytesOf(
  path: string,
  token: string,
): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(s.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

/** Runs the system's tar with `archive` on stdin; its stdout. */
function tar(args: string[], archive: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`tar exit ${code}`)),
    );
    child.stdin.end(archive);
  });
}

async function untar(archive: Buffer): Promise<string> {
  const dir = mkdtempSync(join(expected, 'untar-'));
  mkdirSync(join(dir, 'x'));
  await tar(['-x', '-C', join(dir, 'x')], archive);
  return join(dir, 'x');
}

function scratchFiles(): string[] {
  const tmp = join(s.repoDir, '.verso', 'tmp');
  return (readdirSync(tmp, { recursive: true }) as string[]).filter((f) => f.includes('export-'));
}

describe('server: export', () => {
  it('sends COCO and filtered JSONL as the bytes verso export writes', async () => {
    const coco = await bytesOf(
      s.repoPath(`/export?${q({ ref: 'main', format: 'coco' })}`),
      s.tokens.read,
    );
    expect(coco.status).toBe(200);
    expect(coco.headers.get('content-type')).toMatch(/^application\/json/);
    expect(coco.body.equals(readFileSync(join(expected, 'all.json')))).toBe(true);
    expect(coco.headers.get('x-verso-labels')).toBe('273');
    expect(coco.headers.get('x-verso-images')).toBe('100');

    const jsonl = await bytesOf(
      s.repoPath(`/export?${q({ format: 'jsonl', where: WHERE })}`),
      s.tokens.read,
    );
    expect(jsonl.status).toBe(200);
    expect(jsonl.body.equals(readFileSync(join(expected, 'persons.jsonl')))).toBe(true);
    expect(jsonl.body.toString().trim().split('\n')).toHaveLength(91);
    expect(scratchFiles()).toEqual([]);
  });

  it('sends YOLO and VOC folders (with their images when asked) as tar archives of the same files', async () => {
    for (const [format, where, folder, images] of [
      ['yolo', undefined, 'yolo', false],
      ['voc', WHERE, 'voc', false],
      ['yolo', WHERE, 'yolo-images', true],
    ] as const) {
      const res = await bytesOf(
        s.repoPath(
          `/export?${q({ format, ...(where ? { where } : {}), ...(images ? { with_images: 'true' } : {}) })}`,
        ),
        s.tokens.read,
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-tar');
      expect(res.headers.get('content-disposition')).toMatch(
        /attachment; filename="repo-[0-9a-f]{12}-/,
      );
      const listed = (await tar(['-t'], res.body)).trim().split('\n');
      const want = filesUnder(join(expected, folder));
      expect(listed.filter((p) => !p.endsWith('/')).sort()).toEqual(want);
      const unpacked = await untar(res.body);
      expect(filesUnder(unpacked)).toEqual(want);
      for (const f of want)
        expect(
          readFileSync(join(unpacked, f)).equals(readFileSync(join(expected, folder, f))),
        ).toBe(true);
    }
    expect(filesUnder(join(expected, 'yolo'))).toContain('data.yaml');
    expect(filesUnder(join(expected, 'yolo-images')).filter((f) => f.endsWith('.jpg'))).not.toEqual(
      [],
    );
    expect(scratchFiles()).toEqual([]);
  });

  it("exports a video's frames over HTTP as verso export does", async () => {
    const coco = await bytesOf(
      s.repoPath(`/export?${q({ ref: 'video', format: 'coco' })}`),
      s.tokens.read,
    );
    expect(coco.status).toBe(200);
    expect(coco.body.equals(readFileSync(join(expected, 'video.json')))).toBe(true);
    expect(coco.headers.get('x-verso-images')).toBe('321'); // main's 100 images and the video's 221 frames
    const yolo = await bytesOf(
      s.repoPath(`/export?${q({ ref: 'video', format: 'yolo' })}`),
      s.tokens.read,
    );
    expect(yolo.status).toBe(200);
    const unpacked = await untar(yolo.body);
    const want = filesUnder(join(expected, 'video-yolo'));
    expect(want.filter((f) => f.includes('/frame_'))).toHaveLength(221);
    expect(filesUnder(unpacked)).toEqual(want);
    for (const f of want)
      expect(
        readFileSync(join(unpacked, f)).equals(readFileSync(join(expected, 'video-yolo', f))),
      ).toBe(true);
  });

  it('sends CVAT as one XML file, as verso export writes it; refuses tracks beside image labels', async () => {
    const cvat = await bytesOf(
      s.repoPath(`/export?${q({ ref: 'main', format: 'cvat' })}`),
      s.tokens.read,
    );
    expect(cvat.status).toBe(200);
    expect(cvat.headers.get('content-type')).toContain('application/xml');
    expect(cvat.body.equals(readFileSync(join(expected, 'all.xml')))).toBe(true);
    expect(cvat.headers.get('x-verso-labels')).toBe('273');
    const video = await s.http(
      'GET',
      s.repoPath(`/export?${q({ ref: 'video', format: 'cvat' })}`),
      { token: s.tokens.read },
    );
    expect(video.status).toBe(400);
    expect(video.text).toContain('video tracks and image labels');
    expect(scratchFiles()).toEqual([]);
  });

  it('runs an async export as an operation with a download', async () => {
    const started = await s.http(
      'POST',
      s.repoPath(`/export?${q({ format: 'coco', async: 'true' })}`),
      {
        token: s.tokens.read,
      },
    );
    expect(started.status).toBe(202);
    const { operation, url } = started.json();
    expect(started.headers.get('location')).toBe(url);
    let view;
    for (let i = 0; i < 200; i++) {
      view = (await s.http('GET', url, { token: s.tokens.read })).json();
      if (view.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(view).toMatchObject({
      id: operation,
      kind: 'export',
      state: 'done',
      started_by: 'read-user',
    });
    expect(view.result).toMatchObject({ format: 'coco', labels: 273, images: 100 });
    expect(view.result.out).toBeUndefined();
    const file = await bytesOf(view.result.download, s.tokens.read);
    expect(file.status).toBe(200);
    expect(file.body.equals(readFileSync(join(expected, 'all.json')))).toBe(true);
    // Someone else's operation does not exist for them; an admin sees it.
    const other = await s.http('GET', url, { token: s.tokens.annotate });
    expect([other.status, other.json().error.code]).toEqual([404, 'OPERATION_NOT_FOUND']);
    expect((await s.http('GET', url, { token: s.tokens.admin })).status).toBe(200);
  });

  it('refuses bad requests with JSON errors and leaves nothing behind', async () => {
    const before = scratchFiles();
    const cases: [Record<string, string>, number, string][] = [
      [{ format: 'pdf' }, 400, 'BAD_REQUEST'],
      [{ format: 'coco', ref: 'nope' }, 404, 'REF_NOT_FOUND'],
      [{ format: 'coco', where: 'class = = car' }, 400, ''],
      [{ format: 'coco', with_images: 'true' }, 400, 'INVALID_ARGUMENT'],
      [{ format: 'coco', schema: '9.9' }, 404, ''],
    ];
    for (const [params, status, code] of cases) {
      const r = await s.http('GET', s.repoPath(`/export?${q(params)}`), { token: s.tokens.read });
      expect([params, r.status]).toEqual([params, status]);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      if (code) expect(r.json().error.code).toBe(code);
      else expect(r.json().error.message).toEqual(expect.any(String));
    }
    const none = await s.http('GET', s.repoPath('/export?format=coco'));
    expect(none.status).toBe(401);
    expect(scratchFiles()).toEqual(before);
  });
});
