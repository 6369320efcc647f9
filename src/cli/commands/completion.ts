import type { Command } from '../command.js';
import { ErrorCode, HotplugError } from '../../core/index.js';

/** Commands and their flags, as the completion scripts offer them (filled in by commands.ts). */
export interface CompletionTable {
  commands: Array<{ name: string; flags: string[] }>;
}

/** Values a flag takes, offered after it. */
const FLAG_VALUES: Record<string, string> = { lang: 'ts python', type: 'processor input output', 'log-level': 'trace debug info warn error fatal silent' };

function bashScript(t: CompletionTable): string {
  const cases = t.commands.filter((c) => c.name !== 'completion').map((c) => `    ${c.name}) flags="${[...c.flags.map((f) => `--${f}`), '--help'].join(' ')}" ;;`).join('\n');
  const values = Object.entries(FLAG_VALUES).map(([f, v]) => `    --${f}) COMPREPLY=($(compgen -W "${v}" -- "$cur")); return ;;`).join('\n');
  return `# hotplug completion for bash. Load it with:  source <(hotplug completion bash)
# or install it:  hotplug completion bash > ~/.local/share/bash-completion/completions/hotplug
_hotplug() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" flags=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${t.commands.map((c) => c.name).join(' ')} help --help --version" -- "$cur"))
    return
  fi
  case "$prev" in
${values}
  esac
  case "\${COMP_WORDS[1]}" in
${cases}
    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _hotplug hotplug
`;
}

function zshScript(t: CompletionTable): string {
  const cases = t.commands.filter((c) => c.name !== 'completion').map((c) => `    ${c.name}) flags=(${[...c.flags.map((f) => `--${f}`), '--help'].join(' ')}) ;;`).join('\n');
  const values = Object.entries(FLAG_VALUES).map(([f, v]) => `    --${f}) compadd -- ${v}; return ;;`).join('\n');
  return `#compdef hotplug
# hotplug completion for zsh. Load it with:  source <(hotplug completion zsh)
# or install it as _hotplug in a folder of your $fpath.
_hotplug() {
  local -a flags
  if (( CURRENT == 2 )); then
    compadd -- ${t.commands.map((c) => c.name).join(' ')} help --help --version
    return
  fi
  case "\${words[CURRENT-1]}" in
${values}
  esac
  case "\${words[2]}" in
${cases}
    completion) compadd -- bash zsh; return ;;
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- $flags
  else
    _files
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _hotplug "$@"
else
  compdef _hotplug hotplug
fi
`;
}

/** `hotplug completion bash|zsh`: prints a completion script built from the commands' own flags. */
export function completionCommand(table: () => CompletionTable): Command {
  return {
    name: 'completion',
    summary: 'Print a shell completion script (bash or zsh)',
    usage: 'hotplug completion bash|zsh',
    help: ['Examples:', '  source <(hotplug completion bash)     # in ~/.bashrc', '  source <(hotplug completion zsh)      # in ~/.zshrc (after compinit)'].join('\n'),
    flags: {},
    async run({ positionals }) {
      const shell = positionals[0];
      if (positionals.length !== 1 || (shell !== 'bash' && shell !== 'zsh')) {
        throw new HotplugError(ErrorCode.Usage, positionals.length === 0 ? 'missing the shell' : `unknown shell '${positionals.join(' ')}'`, { hint: 'hotplug completion bash, or hotplug completion zsh' });
      }
      process.stdout.write(shell === 'bash' ? bashScript(table()) : zshScript(table()));
      return 0;
    },
  };
}
