import { shellQuote } from "../shell/shell-quote.js";
import type { AptRepository } from "../spec/repository.js";

/** The archives of one apt-based distro, and the mirror build args that replace them. */
export interface AptArchive {
  /** the last path segment of the archive's URL in a sources entry, e.g. "debian-security" */
  pathSuffix: string;
  mirrorArg: string;
}

/** Where the apt part of an install script reads and writes; tests point them into a temp dir. */
export interface AptSourceFiles {
  sourceList: string;
  sourceParts: string;
  /** the rewritten copies apt reads during the build when a mirror is set */
  build: string;
}

export const aptSourceFiles: AptSourceFiles = {
  sourceList: "/etc/apt/sources.list",
  sourceParts: "/etc/apt/sources.list.d",
  build: "/tmp/kiln-apt",
};

/** The deb822 file a definition's repository is written to; mirrors leave these files alone. */
function aptRepositoryFile(name: string, files: AptSourceFiles = aptSourceFiles): string {
  return `${files.sourceParts}/kiln-repo-${name}.sources`;
}

/**
 * The bash lines that prepare apt's sources, leaving `apt_options` with what apt-get needs.
 *
 * 1. The definition's repositories become deb822 files in sources.list.d, shipped with the image
 *    (children and `apt-get` at run time see them too), each with its key: an embedded armored
 *    block, or a keyring path.
 * 2. With a mirror arg set, every sources file is copied to a private directory with the
 *    archive's URIs replaced, word by word in bash: a mirror URL is never part of a sed or other
 *    pattern, so `&`, `\`, `#` or quotes in it are just bytes. Only `deb` lines and `URIs:`
 *    fields change; everything else (comments, keys, options) is copied as it is.
 */
export function aptSourcesScript(archives: AptArchive[], repositories: AptRepository[], files: AptSourceFiles = aptSourceFiles): string[] {
  const lines: string[] = [];
  if (repositories.length > 0) {
    lines.push(`mkdir -p ${shellQuote(files.sourceParts)}`);
    for (const repository of repositories) lines.push(...repositoryFileScript(repository, files));
  }
  const anyMirror = archives.map((archive) => `\${${archive.mirrorArg}:-}`).join("");
  const build = shellQuote(files.build);
  const rewrites = archives.flatMap((archive) => {
    const ends = [`/${archive.pathSuffix}`, `/${archive.pathSuffix}/`];
    const pattern = ends.flatMap((end) => [`http://*${end}`, `https://*${end}`]).join(" | ");
    return [`          ${pattern}) [ -z "\${${archive.mirrorArg}:-}" ] || word=\${${archive.mirrorArg}} ;;`];
  });
  lines.push(
    "apt_options=()",
    `if [ -n "${anyMirror}" ]; then`,
    `  mkdir -p ${build}`,
    `  for source in ${shellQuote(files.sourceList)} ${shellQuote(files.sourceParts)}/*.list ${shellQuote(files.sourceParts)}/*.sources; do`,
    '    [ -f "$source" ] || continue',
    `    copy=${build}/"$(basename "$source")"`,
    '    case "$source" in */kiln-repo-*.sources) cp "$source" "$copy"; continue ;; esac',
    '    while IFS= read -r line || [ -n "$line" ]; do',
    '      case "$line" in',
    "        'deb '* | 'deb-src '* | [Uu][Rr][Ii][Ss]:*) ;;",
    "        *) printf '%s\\n' \"$line\"; continue ;;",
    "      esac",
    '      out=""',
    '      read -r -a words <<< "$line"',
    '      for word in "${words[@]}"; do',
    '        case "$word" in',
    ...rewrites,
    "        esac",
    '        out="${out:+$out }$word"',
    "      done",
    "      printf '%s\\n' \"$out\"",
    '    done < "$source" > "$copy"',
    "  done",
    `  apt_options=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=${build})`,
    "fi",
  );
  return lines;
}

/** One repository's deb822 file, every line a quoted printf argument. */
function repositoryFileScript(repository: AptRepository, files: AptSourceFiles): string[] {
  const fields = [
    "Types: deb",
    `URIs: ${repository.url}`,
    `Suites: ${repository.suites.join(" ")}`,
    `Components: ${repository.components.join(" ")}`,
    ...signedByField(repository.signedBy),
  ];
  return [
    `# apt repository ${repository.name}, signed by ${repository.signedBy.startsWith("/") ? repository.signedBy : "the key embedded below"}`,
    `printf '%s\\n' \\`,
    ...fields.map((field) => `  ${shellQuote(field)} \\`),
    `  > ${shellQuote(aptRepositoryFile(repository.name, files))}`,
  ];
}

/** deb822 continuation lines start with a space, and an empty line inside a field is " .". */
function signedByField(signedBy: string): string[] {
  if (signedBy.startsWith("/")) return [`Signed-By: ${signedBy}`];
  const keyLines = signedBy.replace(/\r\n/g, "\n").trimEnd().split("\n");
  return ["Signed-By:", ...keyLines.map((line) => (line.trim() === "" ? " ." : ` ${line.trimEnd()}`))];
}
