/**
 * Lineage over HTTP against a real server: a training job's whole flow (start a run on a
 * filtered selection, read its examples, send its vectors in two chunks, register a model,
 * record predictions in bulk, explain one) gives the library's answers on the same repository;
 * lineage up from a prediction reaches the run, its commit and the labels' people; malformed
 * vector chunks (truncated, wrong dimension, NaN, unknown or repeated keys, trailing bytes) are
 * refused with what and where, and nothing of them is kept; a read token cannot start a run.
 *
 * Vector bodies are framed here byte by byte, as the Python client does with `struct` and
 * numpy (not with the library's encoder), so the documented framing itself is tested.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openRepository } from '../../src/api/repository/index.js';
import { explainPrediction, rankSuspects } from '../../src/api/lineage/index.js';
import { snakeCaseJson } from '../../src/core/json-case.js';
import { VectorChunkReader } from '../../src/server/lineage/vector-chunk-reader.js';
import { startTestServer, type TestServer } from './harness.js';

const DIM = 8;
const IMAGES = 12;
const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** 2 labels per image; every third label rejected, the rest approved, by two reviewers. */
function labels() {
  const out = [];
  for (let i = 0; i < IMAGES; i++)
    for (const label of ['1', '2']) {
      const n = i * 2 + Number(label) - 1;
      out.push({
        image: `img-${String(i).padStart(2, '0')}.jpg`,
        label,
        category: n % 2 === 0 ? 'car' : 'dog',
        bbox: [n, n, 10, 10],
        annotator: n % 5 === 0 ? 'ann-b' : 'ann-a',
        annotated_at: `2026-01-${String((n % 27) + 1).padStart(2, '0')}T10:00:00Z`,
        review: {
          status: n % 3 === 0 ? 'rejected' : 'approved',
          reviewer: n % 2 === 0 ? 'rev-x' : 'rev-y',
          reviewed_at: `2026-02-${String((n % 27) + 1).padStart(2, '0')}T10:00:00Z`,
        },
      });
    }
  return out;
}
const LABELS = labels();
const APPROVED = LABELS.filter((l) => l.review.status === 'approved');
const WHERE = 'review.status = approved';

/** One vector chunk: `VVEC`, u32 version, dim, count, kind; count x dim float32; keys. */
function vvec(dim: number, keys: readonly string[], values: readonly number[], kind = 0): Buffer {
  const head = Buffer.alloc(20);
  head.write('VVEC', 0, 'latin1');
  head.writeUInt32LE(1, 4);
  head.writeUInt32LE(dim, 8);
  head.writeUInt32LE(keys.length, 12);
  head.writeUInt32LE(kind, 16);
  const floats = Buffer.from(new Float32Array(values).buffer);
  const keyParts = keys.flatMap((k) => {
    const b = Buffer.from(k, 'utf8');
    const n = Buffer.alloc(4);
    n.writeUInt32LE(b.length);
    return [n, b];
  });
  return Buffer.concat([head, floats, ...keyParts]);
}

/** Example i points along axis i % DIM, longer for larger i: a query on axis 3 ranks them. */
function vectorOf(i: number): number[] {
  const v = new Array<number>(DIM).fill(0.01);
  v[i % DIM] = 1 + i / 10;
  return v;
}

async function importLabels(s: TestServer): Promise<void> {
  // The labels carry reviews: importing reviews needs the review role.
  const r = await s.http('POST', s.repoPath('/branches/main/import'), {
    token: s.tokens.review,
    body: ndjson(LABELS),
  });
  expect(r.status).toBe(200);
}

async function startRun(s: TestServer, body: unknown = { dataset: 'main', where: WHERE }) {
  const r = await s.http('POST', s.repoPath('/runs'), { token: s.tokens.annotate, json: body });
  expect(r.status, r.text).toBe(201);
  return r.json<{ id: string; commit: string; example_set: string; example_count: number }>();
}

function postVectors(s: TestServer, run: string, body: Uint8Array, token = s.tokens.annotate) {
  return s.http('POST', s.repoPath(`/runs/${run}/vectors`), {
    token,
    body,
    contentType: 'application/octet-stream',
  });
}

describe('server: lineage', () => {
  it('runs the training flow and explains a prediction as the library does', async () => {
    const s = await startTestServer();
    await importLabels(s);
    const read = { token: s.tokens.read };

    const run = await startRun(s, {
      dataset: 'main',
      where: WHERE,
      params: { lr: 0.1, epochs: 3, arch: 'resnet' },
    });
    expect(run.example_count).toBe(APPROVED.length);
    const shown = (await s.http('GET', s.repoPath(`/runs/${run.id}`), read)).json();
    expect(shown).toMatchObject({
      id: run.id,
      example_set: run.example_set,
      status: 'running',
      author: 'annotate-user',
      params: { arch: 'resnet', epochs: '3', lr: '0.1' },
      vectors: null,
    });
    const listed = (await s.http('GET', s.repoPath('/runs'), read)).json().runs;
    expect(listed.map((r: { id: string }) => r.id)).toEqual([run.id]);

    // The examples: the approved labels in key order, as `GET /labels` gave them at the start.
    const examples = (await s.http('GET', s.repoPath(`/runs/${run.id}/examples`), read)).lines();
    const asOfStart = (
      await s.http(
        'GET',
        s.repoPath(`/labels?ref=${run.commit}&where=${encodeURIComponent(WHERE)}`),
        read,
      )
    ).lines();
    expect(examples).toEqual(asOfStart);
    const keys = examples.map((e) => `${e.image}/${e.label}`);
    expect(keys).toEqual(APPROVED.map((l) => `${l.image}/${l.label}`));
    expect(examples[0]).toMatchObject({
      annotator: expect.any(String),
      review: expect.any(Object),
    });

    // Vectors in two chunks, then sealed.
    const half = Math.ceil(keys.length / 2);
    const chunks = [keys.slice(0, half), keys.slice(half)];
    let at = 0;
    for (const part of chunks) {
      const values = part.flatMap((_, j) => vectorOf(at + j));
      const r = await postVectors(s, run.id, vvec(DIM, part, values));
      expect(r.status, r.text).toBe(200);
      expect(r.json().accepted).toBe(part.length);
      at += part.length;
    }
    const staged = (await s.http('GET', s.repoPath(`/runs/${run.id}/vectors`), read)).json();
    expect(staged).toMatchObject({
      vectors: null,
      staged: { chunks: 2, count: keys.length, dim: DIM, kind: 'gradient' },
    });
    const sealed = await s.http('POST', s.repoPath(`/runs/${run.id}/vectors/seal`), {
      token: s.tokens.annotate,
      json: { count: keys.length },
    });
    expect(sealed.status, sealed.text).toBe(200);
    expect(sealed.json()).toMatchObject({ dim: DIM, count: keys.length, unscored: 0 });

    // Models: versions 1 and 2 of one name; predictions go to the latest.
    for (const map of [0.4, 0.5]) {
      const m = await s.http('POST', s.repoPath('/models'), {
        token: s.tokens.annotate,
        json: { name: 'detector', run: run.id, artifact: 'a'.repeat(64), metrics: { map } },
      });
      expect(m.status, m.text).toBe(201);
    }
    const versions = (await s.http('GET', s.repoPath('/models/detector'), read)).json().versions;
    expect(versions.map((v: { version: string }) => v.version)).toEqual(['1', '2']);
    expect(versions[1]).toMatchObject({ metrics: { map: 0.5 }, artifact: 'a'.repeat(64) });

    const axis3 = new Array<number>(DIM).fill(0);
    axis3[3] = 1;
    const preds = await s.http('POST', s.repoPath('/models/detector/predictions'), {
      token: s.tokens.annotate,
      body: ndjson([
        { id: 'srv-1', image: 'new-1.jpg', output: { class: 'car' }, vector: axis3 },
        { image: 'new-2.jpg', output: { class: 'dog' } },
        // The same vector as base64 of its float32 little-endian bytes (the compact form).
        {
          image: 'new-3.jpg',
          output: { class: 'car' },
          vector: Buffer.from(Float32Array.from(axis3).buffer).toString('base64'),
        },
      ]),
    });
    expect(preds.status, preds.text).toBe(200);
    expect(preds.json()).toMatchObject({ model: versions[1].id, count: 3 });
    const predId = preds.json().predictions[0] as string;
    const pred = (await s.http('GET', s.repoPath(`/predictions/${predId}`), read)).json();
    expect(pred).toMatchObject({
      id: predId,
      model: versions[1].id,
      output: { class: 'car' },
      external_id: 'srv-1',
      has_vector: true,
    });
    expect((await s.http('GET', s.repoPath('/predictions/srv-1'), read)).json().id).toBe(predId);

    // Explain: the two examples on axis 3, longest first, with their people and times.
    const explained = (await s.http('GET', s.repoPath(`/explain/${predId}?top=2`), read)).json<{
      examples: Record<string, unknown>[];
    }>();
    const onAxis = keys
      .map((k, i) => ({ k, i }))
      .filter(({ i }) => i % DIM === 3)
      .reverse()
      .map(({ k }) => k);
    expect(explained.examples.map((e) => `${e['image']}/${e['label']}`)).toEqual(onAxis);
    const fromBase64 = await s.http(
      'GET',
      s.repoPath(`/explain/${preds.json().predictions[2] as string}?top=2`),
      read,
    );
    expect(fromBase64.json().examples).toEqual(explained.examples);
    const first = LABELS.find((l) => `${l.image}/${l.label}` === onAxis[0])!;
    expect(explained.examples[0]).toMatchObject({
      rank: 1,
      annotator: first.annotator,
      annotated_at: first.annotated_at,
      reviewer: first.review.reviewer,
      reviewed_at: first.review.reviewed_at,
    });

    // Suspects: the examples by squared norm, longest vectors first, per annotator too.
    const suspects = (
      await s.http('GET', s.repoPath(`/runs/${run.id}/suspects?top=5&by=annotator`), read)
    ).json<{ examples: Record<string, unknown>[]; annotators: Record<string, unknown>[] }>();
    const byNorm = keys
      .map((k, i) => ({ k, n: vectorOf(i).reduce((a, x) => a + Math.fround(x) ** 2, 0) }))
      .sort((a, b) => b.n - a.n || (a.k < b.k ? -1 : 1));
    expect(suspects.examples.map((e) => `${e['image']}/${e['label']}`)).toEqual(
      byNorm.slice(0, 5).map((e) => e.k),
    );
    expect(suspects.annotators.reduce((n, a) => n + (a['in_top'] as number), 0)).toBe(5);
    for (const query of ['top=0', 'top=x', 'by=reviewer']) {
      const bad = await s.http('GET', s.repoPath(`/runs/${run.id}/suspects?${query}`), read);
      expect([bad.status, bad.json().error.code], query).toEqual([400, 'BAD_REQUEST']);
    }
    const unknown = await s.http('GET', s.repoPath('/runs/run-nope/suspects'), read);
    expect([unknown.status, unknown.json().error.code]).toEqual([404, 'LINEAGE_NOT_FOUND']);

    // Lineage up from the prediction reaches the model, run, commit and the labels' people.
    const up = (await s.http('GET', s.repoPath(`/lineage/up/${predId}`), read)).json();
    expect(up).toMatchObject({
      prediction: { id: predId },
      model: { id: versions[1].id },
      run: { id: run.id, example_set: run.example_set },
      commit: { id: run.commit, author: 'review-user' },
      examples: { root: run.example_set, count: keys.length, people: 'listed' },
    });
    const commit = await s.http('GET', s.repoPath(`/commits/${run.commit}`), read);
    expect(up.commit.snapshot).toBe(commit.json().snapshot);
    expect(up.examples.annotators).toEqual([...new Set(APPROVED.map((l) => l.annotator))].sort());
    expect(up.examples.reviewers).toEqual(
      [...new Set(APPROVED.map((l) => l.review.reviewer))].sort(),
    );
    const down = (
      await s.http('GET', s.repoPath(`/lineage/down/${encodeURIComponent(keys[0]!)}`), read)
    ).json();
    expect(down.runs.map((r: { id: string }) => r.id)).toEqual([run.id]);
    expect(down.runs[0].models[1].predictions.total).toBe(3);

    // Finishing freezes the run: no more vectors.
    const fin = await s.http('POST', s.repoPath(`/runs/${run.id}/finish`), {
      token: s.tokens.annotate,
      json: { status: 'ok' },
    });
    expect([fin.status, fin.json().status]).toEqual([200, 'ok']);
    const late = await postVectors(s, run.id, vvec(DIM, [keys[0]!], vectorOf(0)));
    expect([late.status, late.json().error.code]).toEqual([409, 'LINEAGE_IMMUTABLE']);

    // The library on the same repository gives the same answer.
    await s.server.close();
    const repo = await openRepository(s.repoDir);
    try {
      expect(explained).toEqual(snakeCaseJson(await explainPrediction(repo, predId, 2)));
      expect(suspects).toEqual(await rankSuspects(repo, run.id, { top: 5, by: 'annotator' }));
    } finally {
      await repo.close();
    }
  });

  it('refuses malformed vector chunks with what and where, keeping nothing of them', async () => {
    const s = await startTestServer();
    await importLabels(s);
    const run = await startRun(s);
    const keys = APPROVED.map((l) => `${l.image}/${l.label}`);
    const good = vvec(DIM, keys.slice(0, 2), [...vectorOf(0), ...vectorOf(1)]);
    expect((await postVectors(s, run.id, good)).status).toBe(200);

    const refusals: [string, Buffer, RegExp][] = [
      [
        'truncated',
        vvec(DIM, keys.slice(2, 4), [...vectorOf(2), ...vectorOf(3)]).subarray(0, 20 + 40),
        /row 2 field 'vector': truncated/,
      ],
      ['wrong dim', vvec(4, [keys[2]!], [1, 2, 3, 4]), /header field 'dim': is 4; .* dimension 8/],
      [
        'NaN',
        vvec(DIM, keys.slice(2, 4), [...vectorOf(2), 1, 2, NaN, 4, 5, 6, 7, 8]),
        /row 2 field 'vector': value 3 is NaN/,
      ],
      [
        'unknown key',
        vvec(DIM, [keys[2]!, 'nope.jpg/1'], [...vectorOf(2), ...vectorOf(3)]),
        /key 2 field 'key': 'nope.jpg\/1' is not in the example set/,
      ],
      [
        'repeated key',
        vvec(DIM, [keys[2]!, keys[0]!], [...vectorOf(2), ...vectorOf(3)]),
        /key 2 field 'key': '.*' was sent in an earlier chunk/,
      ],
      [
        'trailing bytes',
        Buffer.concat([vvec(DIM, [keys[2]!], vectorOf(2)), Buffer.from('xx')]),
        /2 bytes more than the header's 1 vectors/,
      ],
      [
        'not a chunk',
        Buffer.from('{"image": "a.jpg", "vector": [1, 2]}\n'),
        /header: not a vector/,
      ],
      ['short', Buffer.from('{"image"'), /header: not a vector/],
    ];
    for (const [what, body, message] of refusals) {
      const r = await postVectors(s, run.id, body);
      expect([what, r.status, r.json().error.code]).toEqual([what, 422, 'FORMAT_PARSE']);
      expect(r.json().error.message).toMatch(/^request body /);
      expect(r.json().error.message).toMatch(message);
    }
    const staged = await s.http('GET', s.repoPath(`/runs/${run.id}/vectors`), {
      token: s.tokens.read,
    });
    expect(staged.json().staged).toEqual({ chunks: 1, count: 2, dim: DIM, kind: 'gradient' });
    expect(stagedFiles(s.repoDir)).toEqual(['chunk-1.vvec']);

    // Discarding drops the staged chunk; it can be sent again.
    const dropped = await s.http('DELETE', s.repoPath(`/runs/${run.id}/vectors`), {
      token: s.tokens.annotate,
    });
    expect(dropped.json().discarded).toMatchObject({ chunks: 1, count: 2 });
    expect(stagedFiles(s.repoDir)).toEqual([]);
    expect((await postVectors(s, run.id, good)).json().staged.count).toBe(2);

    // A seal expecting more than was accepted is refused; the accepted chunk seals alone.
    const short = await s.http('POST', s.repoPath(`/runs/${run.id}/vectors/seal`), {
      token: s.tokens.annotate,
      json: { count: 4 },
    });
    expect([short.status, short.json().error.code]).toEqual([409, 'STAGED_VECTORS_MISMATCH']);
    const sealed = await s.http('POST', s.repoPath(`/runs/${run.id}/vectors/seal`), {
      token: s.tokens.annotate,
      json: { count: 2 },
    });
    expect(sealed.json()).toMatchObject({ count: 2, unscored: keys.length - 2 });
    expect(stagedFiles(s.repoDir)).toEqual([]);
  });

  it('lets a read token read lineage but not start runs or send vectors or predictions', async () => {
    const s = await startTestServer();
    await importLabels(s);
    const denied = await s.http('POST', s.repoPath('/runs'), {
      token: s.tokens.read,
      json: { dataset: 'main' },
    });
    expect([denied.status, denied.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const runs = await s.http('GET', s.repoPath('/runs'), { token: s.tokens.read });
    expect(runs.json()).toEqual({ runs: [] });

    const run = await startRun(s);
    const vectors = await postVectors(
      s,
      run.id,
      vvec(DIM, [`${APPROVED[0]!.image}/1`], vectorOf(0)),
      s.tokens.read,
    );
    expect(vectors.status).toBe(403);
    const model = await s.http('POST', s.repoPath('/models'), {
      token: s.tokens.read,
      json: { name: 'm', run: run.id },
    });
    expect(model.status).toBe(403);
    const unknown = await s.http('GET', s.repoPath('/runs/run-nope'), { token: s.tokens.read });
    expect([unknown.status, unknown.json().error.code]).toEqual([404, 'LINEAGE_NOT_FOUND']);
  });

  it('takes chunks sent at once one after the other, and attaches them when the run finishes', async () => {
    const s = await startTestServer();
    await importLabels(s);
    const run = await startRun(s);
    const keys = APPROVED.map((l) => `${l.image}/${l.label}`);
    const parts = [keys.slice(0, 3), keys.slice(3, 7), keys.slice(7)];
    const answers = await Promise.all(
      parts.map((part, p) =>
        postVectors(
          s,
          run.id,
          vvec(
            DIM,
            part,
            part.flatMap((_, j) => vectorOf(p * 10 + j)),
            1,
          ),
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.json().staged.chunks).sort()).toEqual([1, 2, 3]);
    const fin = await s.http('POST', s.repoPath(`/runs/${run.id}/finish`), {
      token: s.tokens.annotate,
      json: {},
    });
    expect(fin.json()).toMatchObject({
      status: 'ok',
      vectors: { count: keys.length, dim: DIM, kind: 'embedding' },
    });
    const after = await s.http('GET', s.repoPath(`/runs/${run.id}/vectors`), {
      token: s.tokens.read,
    });
    expect(after.json().staged).toEqual({ chunks: 0, count: 0, dim: null, kind: null });
    expect(stagedFiles(s.repoDir)).toEqual([]);
  });

  it('refuses bad prediction batches and bodies of another media type, storing nothing', async () => {
    const s = await startTestServer();
    await importLabels(s);
    const run = await startRun(s);
    const model = await s.http('POST', s.repoPath('/models'), {
      token: s.tokens.annotate,
      json: { name: 'm', run: run.id },
    });
    expect(model.json()).toMatchObject({ name: 'm', version: '1', artifact: null });
    const badLine = await s.http('POST', s.repoPath('/models/m/predictions'), {
      token: s.tokens.annotate,
      body: ndjson([{ image: 'a.jpg', output: 1 }, { image: 'b.jpg' }]),
    });
    expect([badLine.status, badLine.json().error.code]).toEqual([422, 'FORMAT_PARSE']);
    expect(badLine.json().error.message).toBe("request body:2 field 'output': missing");
    // Lines are parsed as they arrive; after a bad first line the long rest is still read, so
    // the sender gets the answer, not a reset connection.
    const rest = Array.from({ length: 20_000 }, (_, i) => ({ image: `i${i}.jpg`, output: i }));
    const early = await s.http('POST', s.repoPath('/models/m/predictions'), {
      token: s.tokens.annotate,
      body: ndjson([{ image: 'a.jpg' }, ...rest]),
    });
    expect([early.status, early.json().error.message]).toEqual([
      422,
      "request body:1 field 'output': missing",
    ]);
    for (const [vector, why] of [
      ['AACAPw=', 'expected base64 of float32 little-endian values'],
      ['AAC@gD8=', 'expected base64 of float32 little-endian values'],
      ['AACAfw==', 'value 0 is not a finite number'],
    ]) {
      const bad = await s.http('POST', s.repoPath('/models/m/predictions'), {
        token: s.tokens.annotate,
        body: ndjson([{ image: 'a.jpg', output: 1, vector }]),
      });
      expect([bad.status, bad.json().error.message]).toEqual([
        422,
        expect.stringContaining(`request body:1 field 'vector': ${why}`),
      ]);
    }
    const asJson = await s.http('POST', s.repoPath('/models/m/predictions'), {
      token: s.tokens.annotate,
      json: { image: 'a.jpg', output: 1 },
    });
    expect([asJson.status, asJson.json().error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const asText = await postVectors(s, run.id, Buffer.from('VVEC'));
    expect(asText.status).toBe(422);
    const textVectors = await s.http('POST', s.repoPath(`/runs/${run.id}/vectors`), {
      token: s.tokens.annotate,
      body: 'VVEC',
      contentType: 'text/plain',
    });
    expect([textVectors.status, textVectors.json().error.code]).toEqual([
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ]);
    const unknownModel = await s.http('POST', s.repoPath('/models/nope/predictions'), {
      token: s.tokens.annotate,
      body: ndjson([{ image: 'a.jpg', output: 1 }]),
    });
    expect([unknownModel.status, unknownModel.json().error.code]).toEqual([
      404,
      'LINEAGE_NOT_FOUND',
    ]);
    const stored = await s.http('GET', s.repoPath('/predictions'), { token: s.tokens.read });
    expect([stored.status, stored.text]).toEqual([200, '']);
  });

  it('lists every lineage route in the OpenAPI document', async () => {
    const s = await startTestServer();
    const doc = (await s.http('GET', '/openapi.json')).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace('/repos/{repo}', '')}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /runs',
        'GET /runs',
        'GET /runs/{id}',
        'GET /runs/{id}/examples',
        'POST /runs/{id}/finish',
        'POST /runs/{id}/vectors',
        'GET /runs/{id}/vectors',
        'DELETE /runs/{id}/vectors',
        'POST /runs/{id}/vectors/seal',
        'POST /models',
        'GET /models',
        'GET /models/{model}',
        'POST /models/{model}/predictions',
        'GET /predictions',
        'GET /predictions/{id}',
        'GET /lineage/up/{id}',
        'GET /lineage/down/{id}',
        'GET /explain/{prediction}',
        'GET /runs/{id}/suspects',
      ]),
    );
  });
});

/** The files of every staging folder in the server's scratch space. */
function stagedFiles(repoDir: string): string[] {
  const tmp = join(repoDir, '.verso', 'tmp');
  return readdirSync(tmp).flatMap((proc) =>
    readdirSync(join(tmp, proc))
      .filter((d) => d.startsWith('run-vectors-'))
      .flatMap((d) => readdirSync(join(tmp, proc, d))),
  );
}

describe('vector chunk reader', () => {
  const chunkArb = fc
    .record({
      dim: fc.integer({ min: 1, max: 5 }),
      count: fc.integer({ min: 1, max: 6 }),
      kind: fc.constantFrom(0, 1),
    })
    .chain(({ dim, count, kind }) =>
      fc.record({
        dim: fc.constant(dim),
        kind: fc.constant(kind),
        labels: fc.array(fc.string({ minLength: 1, maxLength: 8 }), {
          minLength: count,
          maxLength: count,
        }),
        values: fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), {
          minLength: count * dim,
          maxLength: count * dim,
        }),
      }),
    )
    .map(({ dim, kind, labels, values }) => ({
      dim,
      keys: labels.map((l, i) => `img-${i}.jpg/${l}`),
      body: (k: string[]) => vvec(dim, k, values, kind),
    }));

  it('accepts a chunk however the body is split, and refuses every cut of it', () => {
    fc.assert(
      fc.property(chunkArb, fc.array(fc.nat(), { maxLength: 5 }), ({ keys, body }, cuts) => {
        const bytes = body(keys);
        const at = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
        const reader = new VectorChunkReader(undefined, new Set());
        let from = 0;
        for (const c of [...at, bytes.length]) {
          reader.push(bytes.subarray(from, c));
          from = c;
        }
        reader.end();
        expect(reader.keys).toEqual(keys);
        for (let cut = 0; cut < bytes.length; cut++) {
          const short = new VectorChunkReader(undefined, new Set());
          expect(() => {
            short.push(bytes.subarray(0, cut));
            short.end();
          }).toThrow(/^request body .*(truncated|not a vector)/);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('names the row and column of a non-finite value, wherever the body is split', () => {
    fc.assert(
      fc.property(
        chunkArb,
        fc.nat(),
        fc.nat(),
        fc.constantFrom(NaN, Infinity, -Infinity),
        ({ dim, keys, body }, pick, cut, bad) => {
          const bytes = Buffer.from(body(keys));
          const index = pick % (keys.length * dim);
          bytes.writeFloatLE(bad, 20 + index * 4);
          const reader = new VectorChunkReader(undefined, new Set());
          const at = cut % bytes.length;
          const row = Math.floor(index / dim) + 1;
          expect(() => {
            reader.push(bytes.subarray(0, at));
            reader.push(bytes.subarray(at));
          }).toThrow(
            `request body row ${row} field 'vector': value ${(index % dim) + 1} is ${bad}`,
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
