/**
 * Prediction sets and selection over HTTP (issue 17) against a real server, answers checked
 * against the OpenAPI document by the harness: an NDJSON import stores a set (201, then 200 for
 * the same predictions), a bad line is refused with 422 naming the body's line and stores
 * nothing, the set is listed and summarised, `POST /select` answers `{slice, images}` as the
 * library does and the same slice again, and a read token cannot select.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importLabels } from '../../src/api/ingest/index.js';
import { startTestServer } from './harness.js';

const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const IMAGES = ['a', 'b', 'c', 'd'];
const PREDICTIONS = IMAGES.map((image, i) => ({
  image,
  prediction: '0',
  category: i % 2 ? 'cat' : 'dog',
  bbox: [1, 2, 3, 4],
  score: [0.9, 0.55, 0.7, 0.51][i],
}));

describe('server: prediction sets and select', () => {
  it('imports a set, lists and shows it, and selects from it', async () => {
    const s = await startTestServer({
      setup: async (repo, dir) => {
        const file = join(dir, 'labels.jsonl');
        writeFileSync(
          file,
          ndjson(
            IMAGES.map((image) => ({ image, label: '1', category: 'cat', bbox: [0, 0, 5, 5] })),
          ),
        );
        await importLabels(repo, { file, branch: 'main' });
      },
    });
    const annotate = { token: s.tokens.annotate };
    const run = (
      await s.http('POST', s.repoPath('/runs'), { ...annotate, json: { dataset: 'main' } })
    ).json<{ id: string }>();
    const model = await s.http('POST', s.repoPath('/models'), {
      ...annotate,
      json: { name: 'det', run: run.id, version: '1' },
    });
    expect(model.status, model.text).toBe(201);

    const path = s.repoPath('/models/det@1/prediction-sets?dataset=main');
    const bad = [PREDICTIONS[0], { ...PREDICTIONS[1], score: 2 }];
    const refused = await s.http('POST', path, {
      ...annotate,
      body: ndjson(bad),
      contentType: 'application/x-ndjson',
    });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json().error.message).toMatch(/request body:2 field 'score'/);
    const none = await s.http('GET', s.repoPath('/prediction-sets'), annotate);
    expect(none.json().prediction_sets).toEqual([]);

    const body = { ...annotate, body: ndjson(PREDICTIONS), contentType: 'application/x-ndjson' };
    const stored = await s.http('POST', path, body);
    expect(stored.status, stored.text).toBe(201);
    expect(stored.json()).toMatchObject({ prediction_count: 4, image_count: 4, created: true });
    const again = await s.http('POST', path, body);
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ id: stored.json().id, created: false });

    const shown = await s.http('GET', s.repoPath('/prediction-sets/det@1'), {
      token: s.tokens.read,
    });
    expect(shown.json()).toMatchObject({
      model_name: 'det@1',
      classes: [{ category: 'cat' }, { category: 'dog' }],
    });

    const select = { dataset: 'main', predictions: 'det@1', strategy: 'margin', top: 2 };
    const a = await s.http('POST', s.repoPath('/select'), { ...annotate, json: select });
    expect(a.status, a.text).toBe(200);
    // margin without scores: 2 score - 1, smallest first: d (0.51), then b (0.55).
    expect(a.json().images).toEqual(['d', 'b']);
    const b = await s.http('POST', s.repoPath('/select'), { ...annotate, json: select });
    expect(b.json()).toEqual(a.json());
    const denied = await s.http('POST', s.repoPath('/select'), {
      token: s.tokens.read,
      json: select,
    });
    expect(denied.status).toBe(403);
  });
});
