/**
 * Build of the web UI (issue 15): Vite + React, from `ui/` into `dist/ui/`, which `verso serve`
 * serves at `/` (src/server/ui-routes.ts). Asset file names carry their content hash, so the
 * server can cache them forever; `index.html` is the only file that must be revalidated.
 *
 * `npm run dev:ui` runs Vite's dev server with the API proxied to a `verso serve` on port 4800.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const API = 'http://127.0.0.1:4800';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: { '/repos': API, '/openapi.json': API, '/health': API },
  },
});
