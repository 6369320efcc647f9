import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCode, HotplugError } from '../core/index.js';
import type { PluginType } from './new-plugin.js';
import { pipelineSchemaLine } from './project-files.js';

/** The pipeline that puts a new plugin to use: behind an HTTP route (processor, output) or into stdout (input). */
export function pipelineSnippet(name: string, type: PluginType, route: string): string {
  const lines: Record<PluginType, string[]> = {
    processor: ['input:', '  http_server:', `    path: ${route}`, 'pipeline:', '  processors:', `    - ${name}: {}`, 'output:', '  sync_response: {}'],
    input: ['input:', `  ${name}: {}`, 'output:', '  stdout: {}'],
    output: ['input:', '  http_server:', `    path: ${route}`, 'output:', `  ${name}: {}`],
  };
  return lines[type].join('\n');
}

interface PipelineTarget {
  dir: string;
  name: string;
  type: PluginType;
  route: string;
  force: boolean;
}

/** Checks that `hotplug new --route` can write DIR/NAME.yaml (before anything is created); returns its path. */
export function checkPipelineTarget(opts: PipelineTarget): string {
  if (!/^\/[^\s]*$/.test(opts.route)) {
    throw new HotplugError(ErrorCode.Usage, `--route must be a path starting with '/', not '${opts.route}'`, { hint: `e.g. --route /${opts.name}` });
  }
  const file = join(resolve(opts.dir), `${opts.name}.yaml`);
  if (existsSync(file) && !opts.force) {
    throw new HotplugError(ErrorCode.Io, `${file} already exists; nothing was created`, { hint: 'edit that file to use the plugin, or pass --force to replace it' });
  }
  return file;
}

/** Writes DIR/NAME.yaml (`hotplug new --route`); returns its path. */
export function writePipeline(opts: PipelineTarget): string {
  const file = checkPipelineTarget(opts);
  writeFileSync(file, `${pipelineSchemaLine()}\n${pipelineSnippet(opts.name, opts.type, opts.route)}\n`);
  return file;
}
