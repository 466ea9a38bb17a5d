import { shellQuote } from "../shell/shell-quote.js";
import type { AptRepository } from "../spec/repository.js";
import { aptNativeRoot } from "./apt-native-tools.js";
import { aptSourcesScript, type AptArchive } from "./apt-sources.js";
import type { PackageFetch } from "./distro.js";

/**
 * Where the native fetch stage leaves apt's package indexes (lists/) and the .deb files
 * (archives/) for the target architecture, and where the install RUN mounts them.
 */
export const aptFetchDir = "/kiln-packages";

/** Where the index stage leaves the target architecture's full package indexes (lists/). */
export const aptIndexDir = "/kiln-indexes";

/** Where the fetch stages mount the target platform's base, to read its architecture and dpkg status. */
export const aptTargetRoot = "/kiln-target";

/**
 * apt pointed at the target: its architecture (read from the target base's own dpkg entry, so no
 * table of Docker-to-Debian architecture names is needed) and its dpkg status, with package
 * indexes in `lists` and downloads, when there are any, in `archives`. apt keeps its binary caches
 * in memory: on disk (/var/cache/apt/pkgcache.bin and srcpkgcache.bin) they were 70 MB per stage
 * and platform that nothing reads, in BuildKit's cache and in a registry cache (mode=max) for
 * every child.
 */
function aptTargetOptionsScript(lists: string, archives?: string): string[] {
  const status = `${aptTargetRoot}/var/lib/dpkg/status`;
  return [
    `arch=$(awk '$1 == "Package:" { dpkg = ($2 == "dpkg") } dpkg && $1 == "Architecture:" { print $2; exit }' ${shellQuote(status)})`,
    `[ -n "$arch" ] || { echo "kiln: no dpkg entry in the target base's ${status}" >&2; exit 1; }`,
    `mkdir -p ${lists}/partial${archives ? ` ${archives}/partial` : ""}`,
    "apt_options+=(",
    '  -o "APT::Architecture=$arch" -o "APT::Architectures=$arch"',
    `  -o Dir::State::status=${status}`,
    `  -o Dir::State::Lists=${lists}${archives ? ` -o Dir::Cache::Archives=${archives}` : ""}`,
    "  -o Acquire::Languages=none",
    "  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=",
    ")",
  ];
}

/**
 * The first native half of an apt install: the target architecture's package indexes, fetched
 * in a stage on the build platform. The script depends only on the base and its sources (the
 * archives, mirrors and any repositories the image adds), not on the packages, so every image on
 * the same parent has the same stage: BuildKit runs it once for builds that run together (it
 * merges identical steps across concurrent builds) and keeps it in its cache for the ones after.
 * Four children of one parent used to fetch the same indexes four times at once.
 */
export function aptIndexScript(archives: AptArchive[], repositories: AptRepository[]): string {
  return [
    ...aptSourcesScript(archives, repositories),
    ...aptTargetOptionsScript(`${aptIndexDir}/lists`),
    'apt-get "${apt_options[@]}" update',
  ].join("\n");
}

/**
 * The second native half: resolving and downloading the packages against the index stage's
 * indexes, at native speed. The emulated stage then only unpacks and configures: under QEMU,
 * `apt-get update` alone used to take longer than the whole native install.
 *
 * The shared indexes are as old as the first build that fetched them for this parent. Their
 * versions resolve with the parent's own packages; but the archive may have dropped a version
 * they name since (Debian's security archive keeps only the newest), so a failed download
 * fetches the indexes again and retries once. `kiln build --no-cache` fetches them afresh.
 *
 * The sources are prepared by the same script as in the target stage (repositories, mirror
 * rewriting), so all three stages name the same index files.
 */
export function aptFetchScript(archives: AptArchive[], packages: string[], repositories: AptRepository[]): string {
  return [
    ...aptSourcesScript(archives, repositories),
    ...aptTargetOptionsScript(`${aptFetchDir}/lists`, `${aptFetchDir}/archives`),
    `cp -a ${aptIndexDir}/lists/. ${aptFetchDir}/lists/`,
    "download() {",
    `  DEBIAN_FRONTEND=noninteractive apt-get "\${apt_options[@]}" install -y --no-install-recommends --download-only ${packages.map(shellQuote).join(" ")}`,
    "}",
    "if ! download; then",
    '  echo "kiln: the download failed with the package indexes shared by this base\'s images (the archive may have moved on since they were fetched); fetching them again and retrying once" >&2',
    '  apt-get "${apt_options[@]}" update',
    "  download",
    "fi",
    // apt reads every index it has, twice, before it installs anything: under QEMU that took
    // longer than unpacking. The indexes keep only the packages just downloaded, so the emulated
    // apt resolves the same set from a few kilobytes. A .deb's file name starts with its package name.
    `downloaded=$(find ${aptFetchDir}/archives -maxdepth 1 -name '*.deb' -printf '%f\\n' | cut -d_ -f1 | sort -u)`,
    `for index in ${aptFetchDir}/lists/*_Packages; do`,
    '  [ -f "$index" ] || continue',
    `  names="$downloaded" awk 'BEGIN { RS = ""; ORS = "\\n\\n"; n = split(ENVIRON["names"], list, "\\n"); for (i = 1; i <= n; i++) keep[list[i]] = 1 }`,
    `    { split($0, lines, "\\n"); sub(/^Package: /, "", lines[1]); if (lines[1] in keep) print }' "$index" > "$index.kiln"`,
    '  mv "$index.kiln" "$index"',
    "done",
  ].join("\n");
}

/** The dpkg configuration file kiln writes into apt-based images. */
export const dpkgExcludesFile = "/etc/dpkg/dpkg.cfg.d/kiln-excludes";

/**
 * Files dpkg leaves out of every package installed from here on (children too): documentation,
 * manual and info pages and message translations, which nothing in a container reads. Licences
 * stay: each package's copyright file is kept. With no manual pages written, man-db's trigger
 * never fires either (it watches /usr/share/man).
 */
export const dpkgExcludes = [
  "path-exclude=/usr/share/doc/*",
  "path-include=/usr/share/doc/*/copyright",
  "path-exclude=/usr/share/man/*",
  "path-exclude=/usr/share/info/*",
  "path-exclude=/usr/share/locale/*",
  "path-include=/usr/share/locale/locale.alias",
  "path-exclude=/usr/share/lintian/*",
];

/** The lines that write {@link dpkgExcludes} before the first install. */
export function dpkgExcludesScript(): string[] {
  return [
    "# Documentation, manual pages and translations are left out (copyright files stay).",
    "printf '%s\\n' \\",
    ...dpkgExcludes.map((line) => `  ${shellQuote(line)} \\`),
    `  > ${dpkgExcludesFile}`,
  ];
}

export const aptPackageFetch = (archives: AptArchive[]): PackageFetch => ({
  dir: aptFetchDir,
  indexDir: aptIndexDir,
  indexScript: (repositories) => aptIndexScript(archives, repositories?.apt ?? []),
  targetRoot: aptTargetRoot,
  nativeRoot: aptNativeRoot,
  script: (packages, repositories) => aptFetchScript(archives, packages, repositories?.apt ?? []),
});
