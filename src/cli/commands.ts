import type { Command } from './command.js';
import { newCommand } from './commands/new.js';
import { testCommand } from './commands/test.js';

/** Every command, in the order `hotplug --help` lists them. */
export const commands: Command[] = [newCommand, testCommand];
