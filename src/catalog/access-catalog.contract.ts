/**
 * The AccessCatalog contract suite (layer: catalog, tests only): tokens by hash, one active
 * token per name (an expired holder gives its name up, revoked ones keep their rows), revocation
 * once, throttled last-use stamps, the append-only audit log with its filters, branch
 * protection rules, and durability across reopen. A fast-check model checks that whatever
 * sequence of creates and revokes, the catalog agrees with a plain model of active names.
 * Every backend runs it (on `catalog.access`).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../core/hash.js';
import { TokenNameTakenError, TokenNotFoundError } from './access-catalog-errors.js';
import type { AccessCatalog, TokenRecord } from './access-catalog.js';
import { rejection, reopened } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const T2 = '2026-01-03T00:00:00.000Z';

let serial = 0;
function token(name: string, extra: Partial<TokenRecord> = {}): TokenRecord {
  return {
    name,
    role: 'annotate',
    identity: name,
    hash: sha256Hex(new TextEncoder().encode(`secret-${serial++}`)),
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    ...extra,
  };
}

export function describeAccessCatalogContract(
  name: string,
  create: HarnessFactory<AccessCatalog>,
): void {
  describe(`AccessCatalog contract: ${name}`, () => {
    let h: ContractHarness<AccessCatalog>;
    let cat: AccessCatalog;
    beforeEach(async () => {
      h = await create();
      cat = h.catalog;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('tokens', () => {
      it('finds a token by its hash only, and lists every token oldest first', async () => {
        const a = token('ci', { role: 'admin', identity: 'ci-bot', expiresAt: T2 });
        const b = token('ann');
        await cat.insertToken(a);
        await cat.insertToken(b);
        expect(await cat.getTokenByHash(a.hash)).toEqual(a);
        expect(await cat.getTokenByHash(sha256Hex(new Uint8Array([1])))).toBeUndefined();
        expect((await cat.listTokens()).map((t) => t.name)).toEqual(['ci', 'ann']);
      });

      it('refuses a name an active token holds; a revoked or expired holder gives it up', async () => {
        const first = token('ci');
        await cat.insertToken(first);
        expect(await rejection(cat.insertToken(token('ci', { createdAt: T1 })))).toBeInstanceOf(
          TokenNameTakenError,
        );
        await cat.revokeToken('ci', T1);
        const second = token('ci', { createdAt: T1, expiresAt: T2 });
        await cat.insertToken(second);
        // Not expired yet at T1 (expiry is exclusive of the instant it names).
        expect(await rejection(cat.insertToken(token('ci', { createdAt: T1 })))).toBeInstanceOf(
          TokenNameTakenError,
        );
        const third = token('ci', { createdAt: T2 });
        await cat.insertToken(third);
        const all = await cat.listTokens();
        expect(all.map((t) => [t.hash, t.revokedAt])).toEqual([
          [first.hash, T1],
          [second.hash, T2],
          [third.hash, null],
        ]);
      });

      it('revokes once: a second revoke, or an unknown name, is TokenNotFoundError', async () => {
        const t = token('x');
        await cat.insertToken(t);
        expect(await cat.revokeToken('x', T1)).toEqual({ ...t, revokedAt: T1 });
        expect(await rejection(cat.revokeToken('x', T2))).toBeInstanceOf(TokenNotFoundError);
        expect(await rejection(cat.revokeToken('nobody', T2))).toBeInstanceOf(TokenNotFoundError);
        expect((await cat.getTokenByHash(t.hash))?.revokedAt).toBe(T1);
      });

      it('stamps the last use only when it is unset or older than the bound', async () => {
        const t = token('x');
        await cat.insertToken(t);
        await cat.markTokenUsed(t.hash, T1, T0);
        expect((await cat.getTokenByHash(t.hash))?.lastUsedAt).toBe(T1);
        await cat.markTokenUsed(t.hash, T2, T1); // T1 is not older than T1: kept
        expect((await cat.getTokenByHash(t.hash))?.lastUsedAt).toBe(T1);
        await cat.markTokenUsed(t.hash, T2, T2);
        expect((await cat.getTokenByHash(t.hash))?.lastUsedAt).toBe(T2);
        await cat.markTokenUsed(sha256Hex(new Uint8Array([7])), T2, T2); // unknown: no-op
      });

      it('agrees with a model of active names over any sequence of creates and revokes', async () => {
        let run = 0;
        const op = fc.oneof(
          fc.record({
            kind: fc.constant('create' as const),
            name: fc.constantFrom('a', 'b', 'c'),
            ttl: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
          }),
          fc.record({ kind: fc.constant('revoke' as const), name: fc.constantFrom('a', 'b', 'c') }),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
            const prefix = `run${run++}-`;
            // name -> expiry step of its active token (Infinity: never), absent: free
            const active = new Map<string, number>();
            for (const [step, o] of ops.entries()) {
              const time = new Date(Date.UTC(2026, 0, 1 + step)).toISOString();
              const isActive = (n: string) => (active.get(n) ?? -1) > step;
              if (o.kind === 'create') {
                const expires = o.ttl === null ? Infinity : step + o.ttl;
                const t = token(prefix + o.name, {
                  createdAt: time,
                  expiresAt:
                    o.ttl === null ? null : new Date(Date.UTC(2026, 0, 1 + expires)).toISOString(),
                });
                const outcome = await cat.insertToken(t).then(
                  () => 'ok',
                  (e: unknown) => e,
                );
                if (isActive(o.name)) expect(outcome).toBeInstanceOf(TokenNameTakenError);
                else {
                  expect(outcome).toBe('ok');
                  active.set(o.name, expires);
                }
              } else {
                const outcome = await cat.revokeToken(prefix + o.name, time).then(
                  () => 'ok',
                  (e: unknown) => e,
                );
                // Any unrevoked holder (expired or not) can be revoked.
                if (active.has(o.name)) {
                  expect(outcome).toBe('ok');
                  active.delete(o.name);
                } else expect(outcome).toBeInstanceOf(TokenNotFoundError);
              }
            }
            const mine = (await cat.listTokens()).filter((t) => t.name.startsWith(prefix));
            const unrevoked = mine.filter((t) => t.revokedAt === null).map((t) => t.name);
            expect(new Set(unrevoked).size).toBe(unrevoked.length);
            expect(unrevoked.sort()).toEqual([...active.keys()].map((n) => prefix + n).sort());
          }),
          { numRuns: 40, seed: 1313 },
        );
      });
    });

    describe('audit log', () => {
      it('appends with increasing seq and reads newest first, filtered and limited', async () => {
        const base = { tokenName: 'ci', target: 'main', detail: null, address: '10.0.0.1' };
        const s1 = await cat.appendAudit({ ...base, time: T0, identity: 'ada', action: 'apply' });
        const s2 = await cat.appendAudit({ ...base, time: T1, identity: 'bob', action: 'merge' });
        const s3 = await cat.appendAudit({
          time: T2,
          identity: 'ada',
          tokenName: null,
          action: 'token create',
          target: 'ci',
          detail: JSON.stringify({ role: 'admin' }),
          address: null,
        });
        expect(s1).toBeLessThan(s2);
        expect(s2).toBeLessThan(s3);
        const all = await cat.readAudit();
        expect(all.map((e) => e.seq)).toEqual([s3, s2, s1]);
        expect(all[0]).toEqual({
          seq: s3,
          time: T2,
          identity: 'ada',
          tokenName: null,
          action: 'token create',
          target: 'ci',
          detail: '{"role":"admin"}',
          address: null,
        });
        expect((await cat.readAudit({ limit: 2 })).map((e) => e.seq)).toEqual([s3, s2]);
        expect((await cat.readAudit({ since: T1 })).map((e) => e.seq)).toEqual([s3, s2]);
        expect((await cat.readAudit({ identity: 'ada' })).map((e) => e.seq)).toEqual([s3, s1]);
        expect(
          (await cat.readAudit({ identity: 'ada', since: T1, limit: 5 })).map((e) => e.seq),
        ).toEqual([s3]);
      });
    });

    describe('branch protection', () => {
      it('keeps one rule per branch: put replaces, delete says whether there was one', async () => {
        const rule = {
          branch: 'main',
          require: 'review' as const,
          checks: ['schema-valid', 'cmd:./check.sh'],
          createdAt: T0,
          createdBy: 'ada',
        };
        expect(await cat.getBranchProtection('main')).toBeUndefined();
        await cat.putBranchProtection(rule);
        await cat.putBranchProtection({ ...rule, branch: 'prod', require: 'admin', checks: [] });
        expect(await cat.getBranchProtection('main')).toEqual(rule);
        const replaced = { ...rule, checks: ['no-pending-reviews'], createdAt: T1 };
        await cat.putBranchProtection(replaced);
        expect(await cat.listBranchProtections()).toEqual([
          replaced,
          { ...rule, branch: 'prod', require: 'admin', checks: [] },
        ]);
        expect(await cat.deleteBranchProtection('main')).toBe(true);
        expect(await cat.deleteBranchProtection('main')).toBe(false);
        expect(await cat.getBranchProtection('main')).toBeUndefined();
      });
    });

    it('keeps tokens, audit entries and rules across reopen', async () => {
      const t = token('keep', { role: 'review' });
      await cat.insertToken(t);
      await cat.appendAudit({
        time: T0,
        identity: 'ada',
        tokenName: 'keep',
        action: 'apply',
        target: 'main',
        detail: null,
        address: null,
      });
      await cat.putBranchProtection({
        branch: 'main',
        require: 'review',
        checks: [],
        createdAt: T0,
        createdBy: 'ada',
      });
      const again = await reopened(h);
      expect(await again.getTokenByHash(t.hash)).toEqual(t);
      expect((await again.readAudit()).map((e) => e.action)).toEqual(['apply']);
      expect((await again.getBranchProtection('main'))?.require).toBe('review');
    });
  });
}
