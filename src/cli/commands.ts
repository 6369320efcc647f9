import type { Command } from './command.js';
import { bundleCommand } from './commands/bundle.js';
import { deployCommand } from './commands/deploy.js';
import { devCommand } from './commands/dev.js';
import { lintCommand } from './commands/lint.js';
import { newCommand } from './commands/new.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { testCommand } from './commands/test.js';
import { completionCommand } from './commands/completion.js';

/** Every command, in the order `hotplug --help` lists them. */
export const commands: Command[] = [devCommand, runCommand, lintCommand, newCommand, testCommand, bundleCommand, deployCommand, schemaCommand];
commands.push(completionCommand(() => ({ commands: commands.map((c) => ({ name: c.name, flags: Object.keys(c.flags) })) })));
