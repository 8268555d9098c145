/**
 * The global options, listed once: commander's parser, top-level help, the argv splitter (which
 * options take a value) and shell completion are all drawn from this table.
 */
export interface GlobalOptionSpec {
  /** commander syntax: '-y, --yes', '--region <region>'. */
  flags: string;
  /** How top-level help shows the flags when they differ (a shorter value name). */
  shown?: string;
  help: string;
  /** Declared apart by commander (help and version), listed here for help and completion. */
  builtin?: boolean;
}

export const GLOBAL_OPTIONS: readonly GlobalOptionSpec[] = [
  { flags: '--json', help: 'results as JSON on stdout, everything else on stderr; never prompts' },
  { flags: '-y, --yes', help: 'answer yes to confirmations (scripts, CI)' },
  { flags: '--dry-run', help: 'show what would be done, change nothing' },
  { flags: '-m, --message <text>', help: 'why this run holds the lock: shown in lock status and to whoever is refused' },
  { flags: '-v, --verbose', help: 'debug events, AWS API call counts, stacks of errors' },
  { flags: '--no-color', help: 'no colours (also NO_COLOR=1)' },
  { flags: '--profile <name>', help: 'AWS profile' },
  { flags: '--region <region>', help: 'AWS region (default: aws_region in group_vars/all.yml)' },
  { flags: '--endpoint-url <url>', help: 'AWS endpoint (also AWS_ENDPOINT_URL), e.g. a local emulator' },
  { flags: '--project-dir <dir>', help: 'the ops repository (default: the current directory)' },
  {
    flags: '--vault-password-file <file>',
    shown: '--vault-password-file <f>',
    help: 'Ansible Vault password file (also FRAGCTL_VAULT_PASSWORD_FILE)',
  },
  { flags: '-V, --version', help: 'print the version', builtin: true },
  { flags: '-h, --help', help: "this help; fragctl <verb> --help for a verb's options", builtin: true },
];

/** The long form of an option: '--yes' for '-y, --yes'. */
function longFlag(spec: GlobalOptionSpec): string {
  return /--[\w-]+/.exec(spec.flags)![0];
}

/** Options that take a value, for splitting argv before the verb is known. */
export const GLOBAL_VALUE_OPTIONS: readonly string[] = GLOBAL_OPTIONS.filter((o) => o.flags.includes('<')).map(longFlag);

/** Every long global option, for shell completion. */
export const GLOBAL_LONG_OPTIONS: readonly string[] = GLOBAL_OPTIONS.map(longFlag);

/** The "Global options" section of top-level help. */
export function globalOptionsHelp(): string {
  return GLOBAL_OPTIONS.map((o) => `  ${(o.shown ?? o.flags).padEnd(25)} ${o.help}`).join('\n');
}
