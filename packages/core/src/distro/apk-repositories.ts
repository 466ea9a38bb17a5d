import { shellQuote } from "../shell/shell-quote.js";
import type { ApkRepository } from "../spec/repository.js";

/** The files the apk part of an install script reads and writes; tests point them into a temp dir. */
export interface ApkRepositoryFiles {
  /** the repositories file the image ships */
  shipped: string;
  /** the copy apk reads during the build when a mirror is set */
  build: string;
}

export const apkRepositoryFiles: ApkRepositoryFiles = { shipped: "/etc/apk/repositories", build: "/tmp/kiln-apk-repositories" };

/**
 * The shell (BusyBox ash) lines that prepare apk's repositories, leaving `$repositories` naming
 * the file apk must read.
 *
 * 1. The definition's repositories are appended to the shipped file (once: a child declaring its
 *    parent's repository again adds nothing), with their tags, so `apk add foo@testing` keeps
 *    working in the image and in its children. A relative URL ("edge/testing") is placed in the
 *    Alpine archive the file's first `…/alpine/…` line uses.
 * 2. With KILN_APK_MIRROR set, the build copy is written whole, line by line: every `…/alpine/`
 *    archive becomes the mirror, tags and other lines stay as they are. No URL passes through
 *    sed or any other pattern language, so `&`, `\`, `#` or quotes in a mirror URL are just bytes.
 */
export function apkRepositoriesScript(repositories: ApkRepository[], files: ApkRepositoryFiles = apkRepositoryFiles): string[] {
  const shipped = shellQuote(files.shipped);
  const build = shellQuote(files.build);
  const lines: string[] = [];
  if (repositories.length > 0) {
    lines.push(
      `# The definition's apk repositories, in the file the image ships, each once.`,
      `[ ! -s ${shipped} ] || [ -z "$(tail -c 1 ${shipped})" ] || echo >> ${shipped}`,
      "kiln_apk_repository() {",
      `  grep -qxF -- "$1" ${shipped} || printf '%s\\n' "$1" >> ${shipped}`,
      "}",
    );
    if (repositories.some((repository) => !isAbsolute(repository.url))) {
      lines.push(
        "archive=''",
        'while IFS= read -r line || [ -n "$line" ]; do',
        '  case "$line" in *://*/alpine/*) archive="${line#@* }"; archive="${archive%%/alpine/*}/alpine"; break ;; esac',
        `done < ${shipped}`,
        'if [ -z "$archive" ]; then',
        `  echo "kiln: ${files.shipped} names no .../alpine/ archive to place the relative repositories in; give them full URLs" >&2`,
        "  exit 1",
        "fi",
      );
    }
    for (const repository of repositories) {
      const tag = repository.tag === undefined ? "" : `@${repository.tag} `;
      const url = isAbsolute(repository.url) ? shellQuote(repository.url) : `"$archive"/${shellQuote(repository.url.replace(/^\/+/, ""))}`;
      lines.push(`kiln_apk_repository ${tag === "" ? "" : shellQuote(tag)}${url}`);
    }
  }
  lines.push(
    `repositories=${shipped}`,
    'if [ -n "${KILN_APK_MIRROR:-}" ]; then',
    `  repositories=${build}`,
    '  while IFS= read -r line || [ -n "$line" ]; do',
    '    tag=""',
    "    url=$line",
    '    case "$url" in @*) tag="${url%% *} "; url="${url#* }"; url="${url#"${url%%[! ]*}"}" ;; esac',
    '    case "$url" in',
    '      http://*/alpine/* | https://*/alpine/*) printf \'%s%s/%s\\n\' "$tag" "$KILN_APK_MIRROR" "${url#*/alpine/}" ;;',
    "      *) printf '%s\\n' \"$line\" ;;",
    "    esac",
    `  done < ${shipped} > "$repositories"`,
    "fi",
  );
  return lines;
}

function isAbsolute(url: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(url);
}
