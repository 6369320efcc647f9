import type { FlagKinds, ParsedArgs } from './args.js';

/** One CLI command. `run` resolves to the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Extra help text after the usage line: flags and examples. */
  help: string;
  flags: FlagKinds;
  run(args: ParsedArgs): Promise<number>;
}
