// Vite build of the web page (`bpfbox web`). Run from the repository root:
//   npx vite build -c src/web/vite.config.ts        -> dist/webapp/
// The page runs the library (assembler, verifier, interpreter, driver simulation, CF291 scenario,
// fleet simulation) in the browser. A few library modules touch Node APIs; they are shimmed here:
//   node:fs      (src/sim/scenario reads programs/cf291/*) -> files bundled at build time
//   node:url     (fileURLToPath of the cf291 directory)    -> URL pathname
//   linkedom     (src/sim/fleet/report's Node SVG renderer) -> the browser's own DOM
//   cli-progress (src/sim/fleet/progress)                   -> no-op
//   node:path    (src/input/load's extname)                 -> shims/path.ts
//   src/oracle   (the kernel oracle: Linux bpf() calls)     -> "not available" (shims/oracle.ts)
//   process      (src/verifier uses process.hrtime.bigint) -> a global set in shims/process.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export const WEB_ROOT = here('./client/');
export const WEB_OUT_DIR = here('../../dist/webapp/');

export default defineConfig({
  root: WEB_ROOT,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: /^node:fs$/, replacement: here('./client/shims/fs.ts') },
      { find: /^node:url$/, replacement: here('./client/shims/url.ts') },
      { find: /^linkedom$/, replacement: here('./client/shims/linkedom.ts') },
      { find: /^cli-progress$/, replacement: here('./client/shims/cli-progress.ts') },
      { find: /^node:path$/, replacement: here('./client/shims/path.ts') },
      { find: /^(\.\.\/)+oracle\/index\.js$/, replacement: here('./client/shims/oracle.ts') },
    ],
  },
  // Library sources import each other as `./x.js`; Vite resolves those to the .ts files.
  server: { fs: { allow: [here('../../')] } },
  worker: { format: 'es' },
  build: {
    outDir: WEB_OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
  },
});
