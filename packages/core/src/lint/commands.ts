/**
 * Splits a shell script into simple commands (argv words) well enough for lint rules: separators
 * `&&`, `||`, `;`, `|` and newlines outside quotes; a leading `VAR=value` or `sudo` is kept as a
 * word so rules can see it. Not a shell parser: rules only look at command names and flags.
 */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let quote: "'" | '"' | undefined;
  const endWord = () => {
    if (word !== "") words.push(word);
    word = "";
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "\\" && script[i + 1] === "\n") i++;
    else if (c === "#" && word === "" ) {
      while (i < script.length && script[i] !== "\n") i++;
      endCommand();
    } else if (c === "\n" || c === ";") endCommand();
    else if (c === "&" && script[i + 1] === "&") {
      i++;
      endCommand();
    } else if (c === "|") {
      if (script[i + 1] === "|") i++;
      endCommand();
    } else if (c === " " || c === "\t") endWord();
    else word += c;
  }
  endCommand();
  return commands.map(dropPrefixes).filter((argv) => argv.length > 0);
}

/** `DEBIAN_FRONTEND=x apt-get …` and `then apt-get …` → the command itself. */
function dropPrefixes(argv: string[]): string[] {
  let start = 0;
  while (start < argv.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[start] as string) || ["then", "do", "else", "!", "{", "("].includes(argv[start] as string))) start++;
  return argv.slice(start);
}

/** Whether the script pipes (`a | b`), ignoring `||` and quoted text. */
export function hasPipe(script: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(script[i - 1] as string))) {
      while (i < script.length && script[i] !== "\n") i++;
    } else if (c === "|") {
      if (script[i + 1] === "|") {
        i++;
        continue;
      }
      return true;
    }
  }
  return false;
}
