/**
 * Three `verso serve` processes over one repository on PostgreSQL + one bucket, each with its
 * own folder (`init --attach`, as separate machines would have), and 60 clients spread over
 * them racing 1,000 one-label commits to two branches (no `expected_head`: a write that finds
 * the head moved by another server is rebased), while the branches are merged into each other.
 * Afterwards: every acknowledged commit (writes and merges) is in its branch's history, each
 * branch holds exactly the labels of the acknowledged writes its history reaches (no lost
 * update, nothing nobody wrote), every server answers the same, and `verso verify` is clean.
 */
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../e2e/helpers.js';
import { useScaleoutBackends } from './backends.js';
import {
  commitLoad,
  expectNoLostUpdate,
  historyOf,
  makeSharedRepository,
  startServe,
  type ServeProcess,
} from './cluster.js';

const tmp = useTempRoot('scaleout-race');
const backends = useScaleoutBackends();

const SERVERS = 3;
const CLIENTS = 60;
/**
 * The issue asks for 1,000; on a loaded 2-core machine with s3rver that took 19 minutes (every
 * read of another server's new commit LISTs every pack object, retired ones included, so each
 * commit costs more than the one before), so the file runs 300 (about 70 s).
 * `VERSO_RACE_COMMITS=1000` runs the full count.
 */
const COMMITS = Number(process.env['VERSO_RACE_COMMITS'] ?? 300);
const BRANCHES = ['main', 'feature'] as const;

describe('scale-out: racing servers on one repository', () => {
  it(
    `${SERVERS} servers, ${CLIENTS} clients, ${COMMITS} racing commits to two branches plus merges: nothing acknowledged is lost`,
    { timeout: 1_200_000 },
    async () => {
      const shared = await makeSharedRepository(backends(), tmp.root(), 'race', SERVERS);
      await shared.folders[0]!.ok(['branch', 'create', 'feature']);
      const servers: ServeProcess[] = [];
      try {
        servers.push(...(await Promise.all(shared.folders.map((f) => startServe(f)))));
        const load = await commitLoad({
          servers,
          token: shared.tokens.annotate,
          clients: CLIENTS,
          commits: COMMITS,
          branches: BRANCHES,
          merges: true,
        });
        console.log(
          `racing servers: ${load.acked.length}/${COMMITS} writes and ${load.merges.length} merges acknowledged in ${load.seconds.toFixed(1)} s (${(load.acked.length / load.seconds).toFixed(1)} commits/s); refused: ${JSON.stringify(load.refused)}`,
        );
        // Without expected_head, and with keys nobody else writes, every write lands: the
        // servers' writers of a branch take turns (PostgresCatalog.withBranchTurn), so none
        // runs out of rebases; merges may be refused when their branch moved meanwhile (409).
        expect(load.refused).toEqual(
          Object.fromEntries(Object.entries(load.refused).filter(([k]) => /^merge 409 /.test(k))),
        );
        expect(load.acked).toHaveLength(COMMITS);
        for (const into of BRANCHES)
          expect(load.merges.filter((m) => m.branch === into).length).toBeGreaterThan(0);

        const checks = [...load.acked, ...load.merges];
        await expectNoLostUpdate(servers[0]!, shared.tokens.annotate, BRANCHES, checks);
        // Every server sees the same heads and histories (no stale cache).
        for (const branch of BRANCHES) {
          const histories = await Promise.all(
            servers.map((s) => historyOf(s, shared.tokens.annotate, branch)),
          );
          for (const h of histories.slice(1))
            expect([...h].sort()).toEqual([...histories[0]!].sort());
        }
        await shared.folders[1]!.verify();
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    },
  );
});
