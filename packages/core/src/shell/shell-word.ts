/** Characters that no POSIX shell (ash, bash) reads specially anywhere in a word. */
const plainWord = /^[A-Za-z0-9._+@%=,:/-]+$/;

/**
 * The one way a value becomes a word of a generated shell script: as it is when every character
 * is plain (so the usual names and paths read naturally), otherwise in single quotes, inside
 * which the shell expands nothing; a quote in the value closes, escapes and reopens them.
 */
export function shellWord(value: string): string {
  if (plainWord.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Several values as words of one command line. */
export function shellWords(values: readonly string[]): string {
  return values.map(shellWord).join(" ");
}
