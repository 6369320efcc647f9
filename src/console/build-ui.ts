// Bundles the console's page (src/console/ui, plain DOM TypeScript) into dist/console/app.js and
// app.css with esbuild: part of `npm run build`, so users never build it and it ships in the package.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { ASSET_DIR } from './assets.js';

const entry = fileURLToPath(new URL('../../../src/console/ui/main.ts', import.meta.url));

await build({
  entryPoints: { app: entry },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  outdir: ASSET_DIR,
  logLevel: 'warning',
});
