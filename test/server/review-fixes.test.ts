/**
 * Holes a review of the server found, each reproduced here: a review key written with a JSON
 * escape, a client that leaves after sending its body (its in-flight slot and audit entry), a
 * protected branch created by a token below its rule, and an export that would read a file the
 * server holds outside the repository.
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addImages } from '../../src/api/images/index.js';
import { startTestServer } from './harness.js';

const LABEL = { image: 'a.jpg', label: '1', category: 'car', bbox: [1, 1, 2, 2] };

describe('server: review findings', () => {
  it('refuses a review whose key is written with an escape, as it refuses a plain one', async () => {
    const s = await startTestServer();
    await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.annotate,
      body: `${JSON.stringify(LABEL)}\n`,
    });
    const escaped =
      '{"op":"patch","image":"a.jpg","label":"1","r\\u0065view":{"status":"approved","reviewer":"the-boss"}}\n';
    const r = await s.http('POST', s.repoPath('/branches/main/apply'), {
      token: s.tokens.annotate,
      body: escaped,
    });
    expect([r.status, r.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const labels = (await s.http('GET', s.repoPath('/labels'), { token: s.tokens.read })).lines();
    expect(labels[0].review).toBeUndefined();
  });

  it('gives back the slot of a client that left after its body, and audits its write', async () => {
    const s = await startTestServer({ limits: { inFlightPerToken: 2 } });
    const url = new URL(`${s.url}${s.repoPath('/branches/main/import')}`);
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((done) => {
        const req = httpRequest(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${s.tokens.annotate}`,
            'content-type': 'application/x-ndjson',
          },
        });
        req.on('error', () => done());
        req.end(`${JSON.stringify({ ...LABEL, label: String(i) })}\n`, () => {
          setTimeout(() => {
            req.destroy();
            done();
          }, 2);
        });
      });
    }
    await new Promise((r) => setTimeout(r, 1500));
    const me = await s.http('GET', s.repoPath('/whoami'), { token: s.tokens.annotate });
    expect(me.status).toBe(200);
    const log = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines();
    const audit = (await s.http('GET', s.repoPath('/audit'), { token: s.tokens.admin })).json()
      .entries as { action: string; token_name: string }[];
    const imports = audit.filter(
      (e) => e.token_name === 'annotate-token' && e.action.endsWith('/import'),
    );
    expect(imports.length).toBeGreaterThanOrEqual(log.length - 1);
  });

  it('refuses creating a protected branch below its rule', async () => {
    const s = await startTestServer();
    await s.http('PUT', s.repoPath('/branches/release/protection'), {
      token: s.tokens.admin,
      json: { require: 'review' },
    });
    const r = await s.http('POST', s.repoPath('/branches'), {
      token: s.tokens.annotate,
      json: { name: 'release', from: 'main' },
    });
    expect([r.status, r.json().error.code]).toEqual([403, 'BRANCH_PROTECTED']);
    const refs = (await s.http('GET', s.repoPath('/refs'), { token: s.tokens.read })).json();
    expect(refs.refs.map((x: { name: string }) => x.name)).toEqual(['main']);
  });

  it('does not read a file outside the repository that a reference asset names', async () => {
    const secretDir = mkdtempSync(join(tmpdir(), 'verso-secret-'));
    const secret = join(secretDir, 'img.jpg');
    // A real JPEG so the reference is accepted when it is added.
    const { readFileSync, readdirSync } = await import('node:fs');
    const vocImages = join(
      __dirname,
      '../../../shared/data/real/images/review_object_detection_metrics',
    );
    const first = readdirSync(vocImages, { recursive: true })
      .map(String)
      .find((f) => f.endsWith('.jpg'))!;
    writeFileSync(secret, readFileSync(join(vocImages, first)));
    const s = await startTestServer({
      setup: async (repo) => {
        await addImages(repo, { paths: [secret], branch: 'main', reference: true });
      },
    });
    const exported = await s.http('GET', s.repoPath('/export?format=yolo&with_images=true'), {
      token: s.tokens.read,
    });
    expect(exported.status).toBe(400);
    expect(exported.json().error.code).toBe('EXPORT_IMAGE_MISSING');
    expect(exported.json().error.message).toContain('only stored blobs');
  });
});

describe('server: what strangers learn', () => {
  it('lists repositories only to a token that belongs to one, and refuses tokenless requests before opening anything', async () => {
    const s = await startTestServer();
    const none = await s.http('GET', '/repos');
    expect([none.status, none.json().error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const wrong = await s.http('GET', '/repos', { token: 'verso_nothing' });
    expect(wrong.status).toBe(401);
    const listed = await s.http('GET', '/repos', { token: s.tokens.read });
    expect(listed.json()).toEqual({ repositories: [{ name: s.name }] });
    const missing = await s.http('GET', '/repos/not-there/log');
    expect(missing.status).toBe(401);
  });

  it("lets only a run's starter, or an admin, change the run", async () => {
    const s = await startTestServer();
    await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.annotate,
      body: `${JSON.stringify(LABEL)}\n`,
    });
    const run = (
      await s.http('POST', s.repoPath('/runs'), {
        token: s.tokens.annotate,
        json: { dataset: 'main' },
      })
    ).json();
    const other = await s.http('POST', s.repoPath(`/runs/${run.id}/finish`), {
      token: s.tokens.review,
      json: { status: 'failed' },
    });
    expect([other.status, other.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const shown = await s.http('GET', s.repoPath(`/runs/${run.id}`), { token: s.tokens.read });
    expect(shown.json().status).toBe('running');
    const own = await s.http('POST', s.repoPath(`/runs/${run.id}/finish`), {
      token: s.tokens.annotate,
      json: {},
    });
    expect(own.status).toBe(200);
  });
});
