import { mkdtemp, rename, rm, stat, mkdir, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, HotplugError } from '../core/index.js';
import { renderTemplate } from './render.js';
import { editorPath } from './editor-paths.js';
import { pythonSdkDir } from './project-files.js';

export const LANGUAGES = ['ts', 'python'] as const;
export const TYPES = ['processor', 'input', 'output'] as const;
export type Language = (typeof LANGUAGES)[number];
export type PluginType = (typeof TYPES)[number];

/** Plugin names are YAML keys in pipelines: lower snake_case, as Redpanda Connect's components are. */
const NAME = /^[a-z][a-z0-9_]*$/;

export interface NewPluginOptions {
  name: string;
  lang: Language;
  type: PluginType;
  /** The functions dir the plugin folder is created in. */
  dir: string;
  force?: boolean;
  /** Built-in components: a plugin may not take one's name (it would shadow it in every pipeline). */
  builtins?: ReadonlyArray<{ name: string; kind: string }>;
  /** The repo holding templates/ and src/config/schemas/ (defaults to this install). */
  repoRoot?: string;
}

export interface NewPluginResult {
  /** The plugin's folder. */
  target: string;
  /** Files written, relative to target. */
  files: string[];
}

export const repoRootDir = (): string => fileURLToPath(new URL('../../../', import.meta.url));

/** Turns what someone typed into a valid plugin name, for the error hint. */
export function suggestName(name: string): string {
  const s = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+/g, '_')
    .replace(/_$/, '');
  return s || 'my_plugin';
}

export function validateName(name: string): void {
  if (!NAME.test(name)) {
    throw new HotplugError(ErrorCode.Usage, `invalid plugin name '${name}': it must be lower snake_case (a-z, 0-9, _), starting with a letter, so it can be used as a YAML key in pipelines`, {
      hint: `try '${suggestName(name)}'`,
    });
  }
}

function pascal(name: string): string {
  return name.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

/**
 * Renders templates/<lang>/<type> into <dir>/<name>. Writes into a temp
 * folder next to the target first and renames it into place, so a failure
 * leaves nothing half-written; with `force` an existing folder is replaced
 * only after the new one is complete.
 */
export async function newPlugin(opts: NewPluginOptions): Promise<NewPluginResult> {
  validateName(opts.name);
  if (!LANGUAGES.includes(opts.lang)) {
    throw new HotplugError(ErrorCode.Usage, `unknown language '${opts.lang}'`, { hint: `use --lang ${LANGUAGES.join(' or --lang ')}` });
  }
  if (!TYPES.includes(opts.type)) {
    throw new HotplugError(ErrorCode.Usage, `unknown plugin type '${opts.type}'`, { hint: `use --type ${TYPES.join(', ')}` });
  }
  const builtin = opts.builtins?.find((b) => b.name === opts.name);
  if (builtin) {
    throw new HotplugError(ErrorCode.Usage, `'${opts.name}' is the name of a built-in ${builtin.kind}: a plugin with that name would shadow it in every pipeline of the dir`, {
      hint: `pick another name, e.g. 'my_${opts.name}'`,
    });
  }
  const root = opts.repoRoot ?? repoRootDir();
  const dir = resolve(opts.dir);
  const target = join(dir, opts.name);
  const exists = await stat(target).then(() => true, () => false);
  if (exists && !opts.force) {
    throw new HotplugError(ErrorCode.Io, `${relative(process.cwd(), target) || target} already exists`, { hint: 'pick another name, or pass --force to replace it' });
  }
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new HotplugError(ErrorCode.Io, `cannot write to ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'choose a writable folder with --dir' });
  }
  const schema = join(root, 'src', 'config', 'schemas', 'plugin.schema.json');
  const vars = {
    name: opts.name,
    Name: pascal(opts.name),
    type: opts.type,
    schemaPath: editorPath(root, target, schema),
    pythonSdkPath: editorPath(root, target, pythonSdkDir(root)),
  };
  const staging = await mkdtemp(join(dir, `.${opts.name}.new-`));
  try {
    const files = await renderTemplate(join(root, 'templates', opts.lang, opts.type), staging, vars);
    if (exists) {
      const old = `${staging}.old`;
      await rename(target, old);
      await rename(staging, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
    return { target, files };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
