import { readFileSync } from 'node:fs';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { commands } from './commands.js';
import { ConfigError, HotplugError } from '../core/index.js';
import { didYouMean } from '../config/suggest.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'hotplug — a function host with hot reload; plugins run as subprocesses over gRPC.',
    '',
    'Usage: hotplug <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'hotplug <command> --help' for a command's options.",
  ].join('\n');
}

function commandHelp(c: Command): string {
  return `Usage: ${c.usage}\n\n${c.summary}\n${c.help ? `\n${c.help}\n` : ''}`;
}

/** Runs the CLI and resolves to the exit code. Errors are printed, never thrown. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${target ? commandHelp(target) : usage()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`hotplug ${version()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const guess = didYouMean(name, commands.map((c) => c.name));
    const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`;
    process.stderr.write(`hotplug: ${what}${guess ? `; ${guess}` : ''}\n  hint: commands: ${commands.map((c) => c.name).join(', ')}; see 'hotplug --help'\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  try {
    return await command.run(parseArgs(rest, command.flags, command.name));
  } catch (err) {
    process.stderr.write(`${formatCliError(err)}\n`);
    return err instanceof HotplugError && err.code === 'E_USAGE' ? 2 : 1;
  }
}

export function formatCliError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof HotplugError) return `hotplug: ${err.format()}`;
  return `hotplug: ${err instanceof Error ? err.message : String(err)}`;
}
