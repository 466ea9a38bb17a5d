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

/** Where the fetch stage mounts the target platform's base, to read its architecture and dpkg status. */
export const aptTargetRoot = "/kiln-target";

/**
 * The native half of an apt install. In a stage on the build platform, apt is pointed at the
 * target's dpkg status and architecture (read from the target base's own dpkg entry, so no table
 * of Docker-to-Debian architecture names is needed), fetches the indexes and resolves and
 * downloads the packages at native speed. The emulated stage then only unpacks and configures:
 * under QEMU, `apt-get update` alone used to take longer than the whole native install.
 *
 * The sources are prepared by the same script as in the target stage (repositories, mirror
 * rewriting), so both stages name the same index files.
 */
export function aptFetchScript(archives: AptArchive[], packages: string[], repositories: AptRepository[]): string {
  const status = `${aptTargetRoot}/var/lib/dpkg/status`;
  return [
    ...aptSourcesScript(archives, repositories),
    `arch=$(awk '$1 == "Package:" { dpkg = ($2 == "dpkg") } dpkg && $1 == "Architecture:" { print $2; exit }' ${shellQuote(status)})`,
    `[ -n "$arch" ] || { echo "kiln: no dpkg entry in the target base's ${status}" >&2; exit 1; }`,
    `mkdir -p ${aptFetchDir}/lists/partial ${aptFetchDir}/archives/partial`,
    "apt_options+=(",
    '  -o "APT::Architecture=$arch" -o "APT::Architectures=$arch"',
    `  -o Dir::State::status=${status}`,
    `  -o Dir::State::Lists=${aptFetchDir}/lists -o Dir::Cache::Archives=${aptFetchDir}/archives`,
    "  -o Acquire::Languages=none",
    ")",
    'apt-get "${apt_options[@]}" update',
    `DEBIAN_FRONTEND=noninteractive apt-get "\${apt_options[@]}" install -y --no-install-recommends --download-only ${packages.map(shellQuote).join(" ")}`,
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
  targetRoot: aptTargetRoot,
  nativeRoot: aptNativeRoot,
  script: (packages, repositories) => aptFetchScript(archives, packages, repositories?.apt ?? []),
});
