// A `verso serve` for the Python tests while `verso token create` is not on this branch: the same
// server (dist/src/server), over one repository, with a fixed token table instead of the
// repository's tokens. Usage: node fixture_server.mjs REPO_DIR TOKENS_JSON
// (TOKENS_JSON: {"secret": {"identity", "role"}}). Prints the line `verso serve` prints, serves
// until SIGTERM or SIGINT.
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root =
  process.env.VERSO_TEST_CHECKOUT || resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { startServer } = await import(join(root, 'dist/src/server/index.js'));
const { HttpRefusal } = await import(join(root, 'dist/src/server/http-errors.js'));
const [repoDir, tokensJson] = process.argv.slice(2);
const tokens = JSON.parse(tokensJson);
const server = await startServer({
  source: { repo: repoDir },
  port: 0,
  allowAnonymousRead: process.env.VERSO_TEST_ANONYMOUS_READ === '1',
  checkToken: async (_repo, secret) => {
    const t = tokens[secret];
    if (!t) throw new HttpRefusal('UNAUTHENTICATED', 401, 'unknown token');
    return { identity: t.identity, tokenName: t.identity, role: t.role };
  },
});
console.log(`Verso serving ${server.repositories.map((r) => `/repos/${r}`).join(', ')} at ${server.url}`);
await new Promise((done) => {
  process.once('SIGINT', done);
  process.once('SIGTERM', done);
});
await server.close();
