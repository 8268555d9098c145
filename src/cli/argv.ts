import { GLOBAL_VALUE_OPTIONS } from './global-options.js';

/** Global options may stand anywhere, before or after `<env> <verb>`. */
export { GLOBAL_VALUE_OPTIONS };

export interface SplitArgv {
  /** Up to the first two positional words: [env or global verb, verb]. */
  words: string[];
  /** Everything else, in order, for the verb's own parser. */
  rest: string[];
  help: boolean;
  version: boolean;
}

/**
 * Finds `<env> <verb>` (or a global verb) among the leading arguments. Only global options may
 * come before them, so we know which of those take a value.
 */
export function splitArgv(argv: string[]): SplitArgv {
  const words: string[] = [];
  const rest: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (token === '--help' || token === '-h') help = true;
    if (token === '--version' || token === '-V') version = true;
    if (token.startsWith('-')) {
      rest.push(token);
      if (words.length < 2 && GLOBAL_VALUE_OPTIONS.includes(token) && i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    if (words.length < 2 && !(words.length === 1 && isGlobalWord(words[0]!))) words.push(token);
    else rest.push(token);
  }
  return { words, rest, help, version };
}

let globalWords: Set<string> | undefined;
export function setGlobalWords(names: string[]): void {
  globalWords = new Set([...names, 'help']);
}
function isGlobalWord(word: string): boolean {
  return globalWords?.has(word) ?? false;
}
