import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { discover, pipelineSchema, pluginSpec } from '../config/index.js';
import type { PluginManifest } from '../core/index.js';
import { createRegistry } from '../pipeline/index.js';
import { editorPath } from './editor-paths.js';

/** Where a functions dir's own pipeline schema (built-ins + its plugins) is written. */
export const DIR_SCHEMA = join('.hotplug', 'pipeline.schema.json');

/** The pipeline JSON Schema: built-in components, plus the plugins of `dir` (or `manifests`, when given). */
export function pipelineSchemaText(dir?: string, manifests?: readonly PluginManifest[]): string {
  const specs = [...createRegistry().allSpecs()];
  if (manifests) specs.push(...manifests.map(pluginSpec));
  else if (dir) specs.push(...discover(resolve(dir)).manifests.map(pluginSpec));
  return `${JSON.stringify(pipelineSchema(specs), null, 2)}\n`;
}

/**
 * Writes DIR/.hotplug/pipeline.schema.json (only when its content changed, so
 * an editor watching it does not revalidate for nothing), from `manifests`
 * when given (dev has them loaded), else from the dir's. Pipelines point at
 * it with `# yaml-language-server: $schema=.hotplug/pipeline.schema.json`.
 * Returns true when the file was (re)written.
 */
export function writeDirSchema(dir: string, manifests?: readonly PluginManifest[]): boolean {
  const file = join(resolve(dir), DIR_SCHEMA);
  const text = pipelineSchemaText(dir, manifests);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  mkdirSync(join(resolve(dir), '.hotplug'), { recursive: true });
  writeFileSync(file, text);
  return true;
}

/** The schema line of a pipeline file directly in the functions dir. */
export function pipelineSchemaLine(): string {
  return `# yaml-language-server: $schema=${DIR_SCHEMA.split('\\').join('/')}`;
}

/**
 * Makes `import hotplug` resolve for pyright/Pylance in the project: a
 * pyrightconfig.json in `projectDir` naming the Python SDK in extraPaths, when
 * the project has no pyright settings of its own. Returns the file written, or
 * undefined when it left the project alone.
 */
export function ensurePyrightConfig(projectDir: string, installRoot: string): string | undefined {
  const file = join(projectDir, 'pyrightconfig.json');
  if (existsSync(file)) return undefined;
  const pyproject = join(projectDir, 'pyproject.toml');
  if (existsSync(pyproject) && /^\[tool\.pyright\]/m.test(readFileSync(pyproject, 'utf8'))) return undefined;
  const sdk = editorPath(installRoot, projectDir, pythonSdkDir(installRoot));
  writeFileSync(file, `${JSON.stringify({ extraPaths: [sdk] }, null, 2)}\n`);
  return file;
}

/** The folder holding the Python SDK package `hotplug/`. */
export function pythonSdkDir(installRoot: string): string {
  return join(installRoot, 'src', 'sdk', 'python');
}
