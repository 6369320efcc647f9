import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` writes the bundled page (see build-ui.ts): dist/console/, next to dist/src/. */
export const ASSET_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

export interface Asset {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

const cache = new Map<string, Asset | undefined>();

/** A bundled file of the page by name (`app.js`, `app.css`), read once; undefined when unknown or not built. */
export function asset(name: string): Asset | undefined {
  if (!(name in TYPES)) return undefined;
  if (!cache.has(name)) {
    let a: Asset | undefined;
    try {
      a = { type: TYPES[name] as string, body: readFileSync(`${ASSET_DIR}${name}`) };
    } catch {
      a = undefined;
    }
    cache.set(name, a);
  }
  return cache.get(name);
}

/** The page: a shell the bundled script fills; says how to build it when the bundle is missing. */
export function indexHtml(prefix: string): string {
  const built = asset('app.js') !== undefined;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hotplug dev console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${prefix}app.css">
</head>
<body>
${built ? `<div id="app"></div>\n<script type="module" src="${prefix}app.js"></script>` : `<p>The console's page is not built: run <code>npm run build</code> in the hotplug package (it bundles ${ASSET_DIR}app.js).</p>`}
</body>
</html>
`;
}
