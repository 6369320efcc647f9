import { mkdir, readdir, readFile, writeFile, stat, chmod } from 'node:fs/promises';
import { join } from 'node:path';

/** Values substituted into template files and file names. */
export type TemplateVars = Record<string, string>;

/** Replaces `{{key}}` in text; an unknown key is a template bug, so it throws. */
export function substitute(text: string, vars: TemplateVars): string {
  return text.replace(/\{\{\s*([a-zA-Z_]+)\s*\}\}/g, (_m, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new Error(`template uses unknown variable {{${key}}}`);
    return v;
  });
}

/**
 * Copies a template folder into `dest`, substituting variables in every file's
 * text and in names (`__name__` in a file name becomes the plugin's name).
 * Returns the relative paths written, sorted. Executable bits are kept.
 */
export async function renderTemplate(src: string, dest: string, vars: TemplateVars): Promise<string[]> {
  const written: string[] = [];
  const walk = async (from: string, to: string, rel: string): Promise<void> => {
    await mkdir(to, { recursive: true });
    for (const entry of (await readdir(from, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === '__pycache__' || entry.name === 'node_modules') continue;
      const name = entry.name.replaceAll('__name__', vars['name'] ?? '__name__');
      const relName = rel ? `${rel}/${name}` : name;
      if (entry.isDirectory()) {
        await walk(join(from, entry.name), join(to, name), relName);
      } else {
        const text = await readFile(join(from, entry.name), 'utf8');
        await writeFile(join(to, name), substitute(text, vars));
        const mode = (await stat(join(from, entry.name))).mode;
        if (mode & 0o111) await chmod(join(to, name), 0o755);
        written.push(relName);
      }
    }
  };
  await walk(src, dest, '');
  return written.sort();
}
