/**
 * kill -9 of a server over a repository on PostgreSQL + S3 that other servers share.
 *
 * - In the middle of a commit load (three servers, two branches): every write a server
 *   acknowledged before it died is in its branch, with its label; the only labels nobody
 *   acknowledged are those of requests the kill cut off; the survivors take the clients over
 *   and go on committing; gc from a survivor succeeds once the dead server's writer leases have
 *   expired (`VERSO_LEASE_TTL_MS`, short here), and `verso verify` is clean.
 * - In the middle of `POST /gc` (the server killed by a failpoint after gc's mark, and after its
 *   sweep rewrote packs): while the dead gc's lease lives, another server's gc and writes are
 *   refused as busy (503, nothing written); once it has expired, gc from another server succeeds,
 *   writes go on, nothing acknowledged is lost, verify is clean.
 */
import { describe, expect, it } from 'vitest';
import { sleep, useTempRoot } from '../e2e/helpers.js';
import { useScaleoutBackends } from './backends.js';
import {
  commitLoad,
  expectNoLostUpdate,
  makeSharedRepository,
  putLabel,
  startServe,
  type AckedWrite,
  type ServeProcess,
} from './cluster.js';

const tmp = useTempRoot('scaleout-kill');
const backends = useScaleoutBackends();

const LEASE_TTL_MS = 3000;
const TTL_ENV = { VERSO_LEASE_TTL_MS: String(LEASE_TTL_MS) };
const BRANCHES = ['main', 'feature'] as const;

/** `POST /gc` until it is not refused as busy (the dead holder's lease still living). */
async function gcOnceLeasesExpire(server: ServeProcess, token: string): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const r = await server.http('POST', '/gc', { token });
    if (r.status === 200) return Date.now() - t0;
    if (Date.now() - t0 < 250) console.log(`gc refused at first: ${r.text}`);
    expect([r.status, r.json<{ error: { code: string } }>().error.code]).toEqual([
      503,
      'REPOSITORY_BUSY',
    ]);
    expect(Date.now() - t0, 'gc still refused long after the lease TTL').toBeLessThan(
      LEASE_TTL_MS * 5,
    );
    await sleep(250);
  }
}

describe('scale-out: kill -9 of a server', () => {
  it(
    'in the middle of commits: nothing acknowledged is lost, the survivors go on, gc after the lease TTL',
    { timeout: 240_000 },
    async () => {
      const shared = await makeSharedRepository(backends(), tmp.root(), 'killw', 3);
      await shared.folders[0]!.ok(['branch', 'create', 'feature']);
      const servers: ServeProcess[] = [];
      try {
        servers.push(...(await Promise.all(shared.folders.map((f) => startServe(f, TTL_ENV)))));
        const KILL_AT = 80;
        let killed: Promise<void> | undefined;
        const load = await commitLoad({
          servers,
          token: shared.tokens.annotate,
          clients: 30,
          commits: 300,
          branches: BRANCHES,
          onAck: (n) => {
            if (n === KILL_AT) killed = servers[0]!.kill();
          },
        });
        await killed;
        console.log(
          `kill during commits: ${load.acked.length}/300 acknowledged in ${load.seconds.toFixed(1)} s; refused: ${JSON.stringify(load.refused)}`,
        );
        expect(servers[0]!.process.exited()).toBe(true);
        // The survivors went on: most of the load came after the kill.
        expect(load.acked.length - KILL_AT).toBeGreaterThan(150);
        // Refusals: requests the kill cut off, and writes that lost every race (409).
        expect(
          Object.keys(load.refused).filter((k) => k !== 'network' && k !== '409 REF_UPDATE_RACE'),
        ).toEqual([]);
        const { annotate, admin } = shared.tokens;
        await expectNoLostUpdate(servers[1]!, annotate, BRANCHES, load.acked, {
          unacknowledged: load.unacknowledged,
        });

        const waited = await gcOnceLeasesExpire(servers[2]!, admin);
        console.log(`gc after the kill succeeded after ${waited} ms`);
        await expectNoLostUpdate(servers[2]!, annotate, BRANCHES, load.acked, {
          unacknowledged: load.unacknowledged,
        });
        await shared.folders[1]!.verify();
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    },
  );

  for (const failpoint of ['gc-after-mark', 'gc-after-sweep'] as const) {
    it(
      `in the middle of gc (${failpoint}): gc from another server succeeds once the lease expired`,
      { timeout: 180_000 },
      async () => {
        const schema = failpoint.replace(/-/g, '_');
        const shared = await makeSharedRepository(backends(), tmp.root(), schema, 2);
        const { annotate, admin } = shared.tokens;
        const servers: ServeProcess[] = [];
        try {
          const doomed = await startServe(shared.folders[0]!, {
            ...TTL_ENV,
            VERSO_FAILPOINT: failpoint,
          });
          servers.push(doomed, await startServe(shared.folders[1]!, TTL_ENV));
          const survivor = servers[1]!;
          // History on main, and garbage: a branch with its own commits, deleted.
          const acked: AckedWrite[] = [];
          const write = async (server: ServeProcess, branch: string, i: number) => {
            const r = await server.http('POST', `/branches/${branch}/apply`, {
              token: annotate,
              body: putLabel(`img${i % 7}`, String(i), i),
            });
            expect(r.status, r.text).toBe(200);
            const commit = r.json<{ commit: string }>().commit;
            if (branch === 'main') acked.push({ commit, branch, key: `img${i % 7}/${i}` });
          };
          for (let i = 0; i < 20; i++) await write(servers[i % 2]!, 'main', i);
          const made = await survivor.http('POST', '/branches', {
            token: annotate,
            json: { name: 'scrap', from: 'main' },
          });
          expect(made.status, made.text).toBe(201);
          for (let i = 100; i < 110; i++) await write(servers[i % 2]!, 'scrap', i);
          const dropped = await survivor.http('DELETE', '/branches/scrap?force=true', {
            token: admin,
          });
          expect(dropped.status, dropped.text).toBe(200);

          // gc on the doomed server: killed by its failpoint, the request cut off.
          const cut = await doomed.http('POST', '/gc', { token: admin }).catch(() => undefined);
          expect(cut).toBeUndefined();
          await doomed.process.done;
          const killedAt = Date.now();
          expect(doomed.process.exited()).toBe(true);

          // While the dead gc's lease lives: gc and writes elsewhere are refused as busy.
          const busyGc = await survivor.http('POST', '/gc', { token: admin });
          const busyWrite = await survivor.http('POST', '/branches/main/apply', {
            token: annotate,
            body: putLabel('busy', '1', 1),
          });
          if (Date.now() - killedAt < LEASE_TTL_MS - 500) {
            expect([busyGc.status, busyWrite.status]).toEqual([503, 503]);
          }
          if (busyWrite.status === 200)
            acked.push({
              commit: busyWrite.json<{ commit: string }>().commit,
              branch: 'main',
              key: 'busy/1',
            });

          const waited = await gcOnceLeasesExpire(survivor, admin);
          console.log(`gc after a kill at ${failpoint}: succeeded after ${waited} ms`);
          // Writes go on, on the survivor.
          for (let i = 200; i < 205; i++) await write(survivor, 'main', i);
          await expectNoLostUpdate(survivor, annotate, ['main'], acked, {
            unacknowledged: new Set(['busy/1']),
          });
          await shared.folders[1]!.verify();
        } finally {
          await Promise.all(servers.map((s) => s.stop()));
        }
      },
    );
  }
});
