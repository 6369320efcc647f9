/**
 * Config: YAML files with positions, plugin manifests, pipeline files and
 * lint. Everything here is checked at load time, so errors can name the file,
 * line, column and YAML path; nothing here starts or builds components.
 */
export { createCatalog, catalogFromLookup, type ComponentCatalog, type SpecLookup } from './catalog.js';
export { pluginSpec } from './plugin-spec.js';
export { Diagnostics, type LoadResult } from './diagnostics.js';
export type { EnvLookup } from './env.js';
export type { ExprCompilers, ExprKind } from './expressions.js';
export { defaultExprCompilers } from './default-expr.js';
export { packLoad, unpackLoad, parserFields, UnpackableValue, type PackedLoad, type Recipe, type Unpacker } from './conf-pack.js';
export { checkManifest, readManifest, loadManifest, PLUGIN_NAME, MANIFEST_FIELDS } from './manifest.js';
export { checkStream, readStream, loadStream, IGNORED_TOP_LEVEL, type StreamOptions } from './stream.js';
export { discover, MANIFEST_FILE, type Discovery, type StreamFile } from './discover.js';
export { loadDir, lintDir, type DirOptions, type DirConf } from './load-dir.js';
export { httpRoutes, findRouteClashes, routeKey, nestedComponents, RESERVED_PATHS, RESERVED_PREFIX, type HttpRoute } from './routes.js';
export { checkConfigAt } from './config-node.js';
export { readConfigText, configMaxBytes } from './read-text.js';
export { ALIAS_EXPANSION_BUDGET } from './source.js';
export { pipelineSchema } from './pipeline-schema.js';
