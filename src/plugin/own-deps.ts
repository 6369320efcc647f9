import { isBuiltin } from 'node:module';
import { join, sep } from 'node:path';
import type { Plugin } from 'esbuild';

const SKIP = Symbol('own-deps');

/** The plugin contract's own packages (what the SDK is built on), which plugins speaking gRPC directly may use. */
const CONTRACT_PACKAGES = ['@grpc/grpc-js', '@bufbuild/protobuf'];

/**
 * An esbuild plugin for compiling a TS plugin: the plugin's own code may
 * import Node's builtins, `hotplug/sdk` (and the gRPC packages the SDK is
 * built on, for plugins that speak the contract directly) and the packages
 * installed for it,
 * not packages that happen to resolve from hotplug's own node_modules (a
 * functions dir inside the hotplug checkout walks up to it). Those would
 * work here and break wherever hotplug is installed differently, and tie the
 * plugin to the host's private dependencies.
 */
export function ownDependenciesOnly(repoRoot: string): Plugin {
  const hostModules = join(repoRoot, 'node_modules') + sep;
  const hostSources = [join(repoRoot, 'src') + sep, join(repoRoot, 'dist') + sep];
  return {
    name: 'hotplug-own-dependencies',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === SKIP || isBuiltin(args.path) || args.path === 'hotplug/sdk') return undefined;
        if (CONTRACT_PACKAGES.some((p) => args.path === p || args.path.startsWith(`${p}/`))) return undefined;
        // Only the plugin's own files are checked: packages and the SDK resolve their dependencies as usual.
        if (args.importer.includes(`${sep}node_modules${sep}`) || hostSources.some((s) => args.importer.startsWith(s))) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: SKIP });
        if (r.errors.length > 0 || !r.path.startsWith(hostModules)) return undefined;
        const pkg = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : (args.path.split('/')[0] as string);
        return {
          errors: [
            {
              text: `'${args.path}' is not a dependency of this plugin: it only resolves from hotplug's own node_modules; install it for the plugin (npm install ${pkg} in the plugin's folder): a plugin may import node builtins, hotplug/sdk and its own packages`,
            },
          ],
        };
      });
    },
  };
}
