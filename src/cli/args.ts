import { ErrorCode, HotplugError } from '../core/index.js';

/** How one command's flags are declared: name → kind. Booleans take no value. */
export type FlagKinds = Record<string, 'string' | 'number' | 'boolean' | 'list'>;

export interface ParsedArgs {
  positionals: string[];
  /** A `list` flag (repeatable: `--to A --to B`) is a string[]. */
  flags: Record<string, string | number | boolean | string[] | undefined>;
}

/**
 * A small argv parser: `--name value`, `--name=value`, `--flag`, and `--` to
 * end flags. Unknown flags are errors (with the known ones listed) rather than
 * silently ignored, so a typo never runs a command with defaults.
 */
export function parseArgs(argv: string[], kinds: FlagKinds, command: string): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const kind = kinds[name];
    if (kind === undefined) {
      const known = Object.keys(kinds).map((k) => `--${k}`).join(', ') || 'none';
      throw new HotplugError(ErrorCode.Usage, `unknown option --${name} for 'hotplug ${command}'`, {
        hint: `options: ${known}; see 'hotplug ${command} --help'`,
      });
    }
    if (kind === 'boolean') {
      if (eq !== -1) throw new HotplugError(ErrorCode.Usage, `--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new HotplugError(ErrorCode.Usage, `--${name} needs a value`);
    if (kind === 'list') {
      flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    } else if (kind === 'number') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new HotplugError(ErrorCode.Usage, `--${name} must be a whole number, not '${value}'`);
      flags[name] = n;
    } else {
      flags[name] = value;
    }
  }
  return { positionals, flags };
}
