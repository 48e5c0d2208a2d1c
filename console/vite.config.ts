import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console's build (npm run build:console, run by `prepare` on npm install / npm ci):
// console/src -> console/dist, served by the API server under /console
// (src/server/console/console-assets.ts). JSX goes to Preact's automatic runtime.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'error',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Chromium of Debian stable and the evergreen browsers; no legacy bundle.
    target: 'es2022',
    reportCompressedSize: false,
  },
});
