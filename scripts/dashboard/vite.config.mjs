// The dashboard's production build: `npm run build:dashboard` in scripts/
// (scripts/build.sh runs it) writes dashboard/dist/, which `qos serve` serves.
// Everything the page loads is in that folder: no CDN at run time.
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset paths: the page works under any path prefix a proxy gives it.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // smoldot's browser build (loaded only for the light client) embeds its
    // Wasm: one large chunk by design.
    chunkSizeWarningLimit: 4096,
  },
});
