/**
 * Many writers on one branch through the server: 50 clients make 1,000 small commits to `main`,
 * each sending the head it last saw as `base_head`. Most batches add the client's own labels
 * (nobody else touches them: they must all land, rebased onto whatever head the server has);
 * one in ten patches a label every client shares (it lands only when nobody changed that label
 * since the client's base, else 409 WRITE_CONFLICT naming it). Afterwards: every acknowledged
 * commit is in the history, every acknowledged label is there with its value, and nothing that
 * was refused is.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from './harness.js';

const CLIENTS = 50;
const COMMITS = 1000;

describe('server: concurrent writers on one branch', () => {
  it(
    'lands every non-conflicting batch, refuses stale edits with their keys, loses nothing',
    { timeout: 300_000 },
    async () => {
      const s = await startTestServer();
      const seed = await s.http('POST', s.repoPath('/branches/main/import'), {
        token: s.tokens.annotate,
        body: `${JSON.stringify({ image: 'shared', label: '1', category: 'car', bbox: [0, 0, 1, 1] })}\n`,
      });
      expect(seed.status).toBe(200);
      const start = seed.json().commit as string;
      const acked = new Set<string>();
      const ownLabels = new Map<string, number>();
      let sharedValue: number | undefined;
      let conflicts = 0;
      let next = 0;
      const client = async (c: number) => {
        let seen = start;
        while (next < COMMITS) {
          const i = next++;
          const shared = i % 10 === 0;
          const op = shared
            ? { op: 'patch', image: 'shared', label: '1', bbox: [0, 0, 1, 2 + i] }
            : {
                op: 'put',
                image: `c${c}`,
                label: String(i),
                category: 'car',
                bbox: [0, 0, 2, 2 + i],
              };
          const r = await s.http('POST', s.repoPath(`/branches/main/apply?base_head=${seen}`), {
            token: s.tokens.annotate,
            body: `${JSON.stringify(op)}\n`,
          });
          if (r.status === 200) {
            const commit = r.json().commit as string;
            acked.add(commit);
            seen = commit;
            if (shared) sharedValue = 2 + i;
            else ownLabels.set(`c${c}/${i}`, 2 + i);
          } else {
            expect(shared, `request ${i} refused but touched no shared label: ${r.text}`).toBe(
              true,
            );
            expect([r.status, r.json().error.code]).toEqual([409, 'WRITE_CONFLICT']);
            expect(r.json().error.data.conflicts).toEqual([
              { tree: 'labels', image: 'shared', label: '1' },
            ]);
            seen = r.json().error.data.head as string;
            conflicts++;
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

      const log = (
        await s.http('GET', s.repoPath(`/log?max_count=${COMMITS + 10}`), { token: s.tokens.read })
      ).lines();
      const history = new Set(log.map((e) => e.id as string));
      expect([...acked].filter((c) => !history.has(c))).toEqual([]);
      expect(log.length).toBe(acked.size + 2);
      expect(ownLabels.size).toBe(COMMITS - COMMITS / 10);
      expect(conflicts).toBeLessThan(COMMITS / 10);

      const labels = (
        await s.http('GET', s.repoPath('/labels'), { token: s.tokens.read })
      ).lines() as { image: string; label: string; bbox: number[] }[];
      const stored = new Map(labels.map((l) => [`${l.image}/${l.label}`, l.bbox[3]]));
      for (const [key, h] of ownLabels) expect(stored.get(key), key).toBe(h);
      expect(stored.size).toBe(ownLabels.size + 1);
      if (sharedValue !== undefined) expect(stored.get('shared/1')).toBeDefined();
    },
  );
});
