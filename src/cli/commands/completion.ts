/**
 * `fragctl completion bash|zsh|fish`: a completion script with the verbs and their options written
 * in, and environment names read from `environments/` each time Tab is pressed (the directory of
 * `--project-dir`, else $FRAGCTL_PROJECT_DIR, else the current one), so a new environment file
 * completes at once without regenerating the script.
 */
import { Command } from 'commander';
import { defineVerb } from '../verb.js';
import { UserError } from '../../core/errors.js';
import { GLOBAL_LONG_OPTIONS as GLOBAL_OPTIONS, GLOBAL_VALUE_OPTIONS } from '../global-options.js';
import type { VerbEntry } from '../verb.js';

export default defineVerb({
  arguments: '<shell>',
  async run(run, _opts, args) {
    const shell = args[0];
    if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish') {
      throw new UserError(`no completion for shell "${shell}"`, { hint: 'use fragctl completion bash, zsh or fish', code: 'USAGE' });
    }
    const spec = await completionSpec(run.verbs);
    const script = shell === 'fish' ? fish(spec) : shell === 'zsh' ? zsh(spec) : bash(spec);
    if (run.global.json) return run.io.json({ shell, script });
    run.io.result(script);
  },
});

export interface CompletionSpec {
  globalVerbs: string[];
  envVerbs: string[];
  /** verb → its own options (long and short forms). */
  options: Map<string, string[]>;
}

/** Reads each verb's options by configuring it on a throwaway commander command. */
export async function completionSpec(verbs: readonly VerbEntry[]): Promise<CompletionSpec> {
  const perEntry = await Promise.all(
    verbs.map(async (entry) => {
      const flags: string[] = [];
      try {
        const verb = (await entry.load()).default;
        const cmd = new Command(entry.name);
        verb.configure?.(cmd);
        for (const o of cmd.options) for (const flag of [o.long, o.short]) if (flag) flags.push(flag);
      } catch {
        // a verb whose module cannot load still completes by name
      }
      return [entry.name, flags] as const;
    }),
  );
  // A verb with one entry per platform completes the options of all of them.
  const options = new Map<string, string[]>();
  for (const [name, flags] of perEntry) options.set(name, [...new Set([...(options.get(name) ?? []), ...flags])].sort());
  const names = (scope: 'env' | 'global'): string[] => [...new Set(verbs.filter((v) => v.scope === scope).map((v) => v.name))].sort();
  return { globalVerbs: [...names('global'), 'help'], envVerbs: names('env'), options };
}

function optionCases(spec: CompletionSpec, indent: string, render: (verb: string, opts: string) => string): string {
  return [...spec.options.entries()]
    .filter(([, o]) => o.length)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([verb, o]) => indent + render(verb, o.join(' ')))
    .join('\n');
}

function bash(spec: CompletionSpec): string {
  return `# fragctl completion for bash. Install: fragctl completion bash > ~/.local/share/bash-completion/completions/fragctl
_fragctl_envs() {
  local dir="\${FRAGCTL_PROJECT_DIR:-.}" i
  for ((i = 1; i < \${#COMP_WORDS[@]}; i++)); do
    [[ "\${COMP_WORDS[i]}" == --project-dir ]] && dir="\${COMP_WORDS[i+1]}"
    [[ "\${COMP_WORDS[i]}" == --project-dir=* ]] && dir="\${COMP_WORDS[i]#--project-dir=}"
  done
  local f
  for f in "$dir"/environments/*.yml "$dir"/environments/*.yaml; do
    [[ -e "$f" ]] || continue
    f="\${f##*/}"; printf '%s\\n' "\${f%.*}"
  done
}
_fragctl_verb_options() {
  case "$1" in
${optionCases(spec, '    ', (v, o) => `${v}) echo "${o}" ;;`)}
  esac
}
_fragctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local global_verbs="${spec.globalVerbs.join(' ')}"
  local env_verbs="${spec.envVerbs.join(' ')}"
  local global_options="${GLOBAL_OPTIONS.join(' ')}"
  case "$prev" in
    --project-dir|--vault-password-file) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    ${GLOBAL_VALUE_OPTIONS.filter((o) => o !== '--project-dir' && o !== '--vault-password-file').join('|')}) COMPREPLY=(); return ;;
  esac
  local -a pos=()
  local i w skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      ${GLOBAL_VALUE_OPTIONS.join('|')}) skip=1 ;;
      -*) ;;
      *) pos+=("$w") ;;
    esac
  done
  local verb=""
  if ((\${#pos[@]} >= 1)) && [[ " $global_verbs " == *" \${pos[0]} "* ]]; then verb="\${pos[0]}"
  elif ((\${#pos[@]} >= 2)); then verb="\${pos[1]}"; fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$global_options $(_fragctl_verb_options "$verb")" -- "$cur") )
  elif ((\${#pos[@]} == 0)); then
    COMPREPLY=( $(compgen -W "$(_fragctl_envs) $global_verbs" -- "$cur") )
  elif [[ -z "$verb" && \${#pos[@]} -eq 1 ]]; then
    COMPREPLY=( $(compgen -W "$env_verbs" -- "$cur") )
  elif [[ "$verb" == help ]]; then
    COMPREPLY=( $(compgen -W "$global_verbs $env_verbs" -- "$cur") )
  elif [[ "$verb" == completion ]]; then
    COMPREPLY=( $(compgen -W "bash zsh fish" -- "$cur") )
  elif [[ "$verb" == lock ]]; then
    COMPREPLY=( $(compgen -W "status release" -- "$cur") )
  fi
}
complete -F _fragctl fragctl
`;
}

function zsh(spec: CompletionSpec): string {
  // zsh runs the bash function through bashcompinit: one logic, tested once.
  return `#compdef fragctl
# fragctl completion for zsh. Install: fragctl completion zsh > "\${fpath[1]}/_fragctl" (or source it from ~/.zshrc)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash(spec).split('\n').slice(1).join('\n')}`;
}

function fish(spec: CompletionSpec): string {
  const valueOpts = GLOBAL_VALUE_OPTIONS.join(' ');
  return `# fragctl completion for fish. Install: fragctl completion fish > ~/.config/fish/completions/fragctl.fish
function __fragctl_envs
    set -l dir .
    set -q FRAGCTL_PROJECT_DIR; and set dir $FRAGCTL_PROJECT_DIR
    set -l toks (commandline -opc)
    for i in (seq (count $toks))
        if test "$toks[$i]" = --project-dir; and test $i -lt (count $toks)
            set dir $toks[(math $i + 1)]
        end
    end
    for f in $dir/environments/*.yml $dir/environments/*.yaml
        string replace -r '\\.ya?ml$' '' -- (basename $f)
    end
end
function __fragctl_verb_options
    switch $argv[1]
${optionCases(spec, '        ', (v, o) => `case ${v}\n            string split ' ' -- '${o}'`)}
    end
end
function __fragctl_complete
    set -l toks (commandline -opc)
    set -l cur (commandline -ct)
    set -l pos
    set -l skip 0
    for t in $toks[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        if contains -- $t ${valueOpts}
            set skip 1
            continue
        end
        string match -q -- '-*' $t; and continue
        set pos $pos $t
    end
    set -l global_verbs ${spec.globalVerbs.join(' ')}
    set -l env_verbs ${spec.envVerbs.join(' ')}
    set -l verb
    if test (count $pos) -ge 1; and contains -- $pos[1] $global_verbs
        set verb $pos[1]
    else if test (count $pos) -ge 2
        set verb $pos[2]
    end
    if string match -q -- '-*' $cur
        string split ' ' -- '${GLOBAL_OPTIONS.join(' ')}'
        test -n "$verb"; and __fragctl_verb_options $verb
    else if test (count $pos) -eq 0
        __fragctl_envs
        string split ' ' -- $global_verbs
    else if test -z "$verb"; and test (count $pos) -eq 1
        string split ' ' -- $env_verbs
    else if test "$verb" = completion
        string split ' ' -- bash zsh fish
    else if test "$verb" = lock
        string split ' ' -- status release
    end
end
complete -c fragctl -f -a '(__fragctl_complete)'
`;
}
