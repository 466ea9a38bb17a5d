/** Characters that no POSIX shell (ash, bash) reads specially anywhere in a word. */
const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * The one way a value becomes a word of a shell command: generated scripts (package names,
 * accounts, paths in the distros' and features' RUN steps) and the command lines kiln prints.
 * As it is when every character is plain, so the usual names and paths read naturally; otherwise
 * in single quotes, inside which the shell expands nothing (a quote in the value closes, escapes
 * and reopens them).
 */
export function shellQuote(value: string): string {
  if (plainWord.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
