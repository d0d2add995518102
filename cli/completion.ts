// The bash completion script, made from the command table: commands after
// `dsu`, each command's options, and files, directories or commands where
// the table says an option's value or the arguments are one.
import type { CommandDef } from './args.js';
import { optionsOf } from './args.js';

/** A word list as one single-quoted shell word. */
const quoted = (words: string[]): string => `'${words.join(' ')}'`;

export function bashCompletion(table: readonly CommandDef[]): string {
  const cases = table.map((d) => {
    const options = optionsOf(d);
    const words = options.flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]);
    const valueCases = (['file', 'directory'] as const).map((kind) => {
      const names = options.filter((o) => o.value && (o.complete ?? 'none') === kind).flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]);
      return names.length === 0 ? '' : `        ${names.join('|')}) COMPREPLY=($(compgen -${kind === 'file' ? 'f' : 'd'} -- "$cur")); return ;;\n`;
    }).join('');
    const others = options.filter((o) => o.value && o.complete === undefined).flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]);
    const otherCase = others.length === 0 ? '' : `        ${others.join('|')}) return ;;\n`;
    const positional = d.positional === 'file' ? 'compgen -f -- "$cur"' : d.positional === 'command' ? (d.name === 'help' ? `compgen -W ${quoted(table.map((t) => t.name))} -- "$cur"` : 'compgen -f -- "$cur"') : 'true';
    return `    ${d.name})
      case "$prev" in
${valueCases}${otherCase}      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${quoted(words)} -- "$cur")); else COMPREPLY=($(${positional})); fi
      ;;
`;
  }).join('');
  return `# bash completion for dsu (made by \`dsu completion bash\`; load with: eval "$(dsu completion bash)")
_dsu() {
  local cur prev command
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quoted([...table.map((d) => d.name), '--help', '--version'])} -- "$cur"))
    return
  fi
  command="\${COMP_WORDS[1]}"
  case "$command" in
${cases}  esac
}
complete -o filenames -F _dsu dsu
`;
}
