/**
 * `GET /blame/track` and `GET /tracks` answer what the library's `trackBlame` and `listTracks`
 * answer on the same repository (the real TUD-Campus MOT sequence, then one edit of track 1);
 * 404 names an unknown track, 400 a bad track filter.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trackBlame } from '../../src/api/blame/index.js';
import { listTracks } from '../../src/api/read/index.js';
import { importMot } from '../../src/api/interchange/index.js';
import { openRepository } from '../../src/api/repository/index.js';
import { snakeCaseJson } from '../../src/core/json-case.js';
import { startTestServer } from './harness.js';

const CAMPUS = resolve(
  import.meta.dirname,
  '../../../shared/data/real/mot/SU-T/motmetrics/data/TUD-Campus/gt.txt',
);

describe('server: video track blame and listing', () => {
  it('answers as the library, and 404 for an unknown track', async () => {
    const s = await startTestServer({
      setup: async (repo, dir) => {
        const rows = readFileSync(CAMPUS, 'utf8').trim().split('\n');
        const edited = rows.map((r) => {
          const [f, id, x, ...rest] = r.split(',');
          return id === '1' && Number(f) >= 5 && Number(f) <= 9
            ? [f, id, String(Number(x) + 4), ...rest].join(',')
            : r;
        });
        for (const [i, lines] of [rows, edited].entries()) {
          const seq = join(dir, '..', `seq${i}`);
          mkdirSync(join(seq, 'gt'), { recursive: true });
          writeFileSync(join(seq, 'gt', 'gt.txt'), `${lines.join('\n')}\n`);
          await importMot(repo, { path: seq, branch: 'main', sequence: 'campus' });
        }
      },
    });
    const answer = await s.http('GET', s.repoPath('/blame/track?video=campus&track=1'), {
      token: s.tokens.read,
    });
    expect(answer.status).toBe(200);
    expect(new Set(answer.json().frames.map((f: { commit: string }) => f.commit)).size).toBe(2);
    const unknown = await s.http('GET', s.repoPath('/blame/track?video=campus&track=99'), {
      token: s.tokens.read,
    });
    expect([unknown.status, unknown.json().error.code]).toEqual([404, 'TRACK_NOT_FOUND']);
    const where = encodeURIComponent('track.length > 30 and frame in 0..10');
    const listed = await s.http('GET', s.repoPath(`/tracks?where=${where}`), {
      token: s.tokens.read,
    });
    expect(listed.status).toBe(200);
    expect(listed.lines().length).toBeGreaterThan(0);
    const bad = await s.http('GET', s.repoPath('/tracks?where=frame%20%3D%203'), {
      token: s.tokens.read,
    });
    expect([bad.status, bad.json().error.message]).toEqual([
      400,
      expect.stringContaining("'frame' is read as"),
    ]);
    await s.server.close();
    const repo = await openRepository(s.repoDir);
    try {
      const expected = await trackBlame(repo, { ref: 'main', video: 'campus', track: '1' });
      expect(answer.json()).toEqual(JSON.parse(JSON.stringify(snakeCaseJson(expected))));
      const tracks = [];
      for await (const t of listTracks(repo, 'main', {
        where: 'track.length > 30 and frame in 0..10',
      }))
        tracks.push(t);
      expect(listed.lines()).toEqual(JSON.parse(JSON.stringify(tracks)));
    } finally {
      await repo.close();
    }
  });
});
