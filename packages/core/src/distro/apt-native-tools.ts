/**
 * The build machine's own programs for an emulated platform's maintainer scripts.
 *
 * Under QEMU every process a maintainer script starts pays for QEMU loading and translating it
 * again (about 40 ms each on the bench machine), and scripts start hundreds: ca-certificates'
 * configure step runs grep and sed per certificate (13.4 s of debian-base's arm64 install) and
 * update-ca-certificates runs basename, sed and ln per certificate (22.6 s). The programs they call
 * (coreutils, sed, grep, find) behave the same on every architecture, and the fetch stage's root,
 * which runs on the build platform, has them. So the install RUN mounts that root read-only at
 * {@link aptNativeRoot}, makes its loader and libraries reachable where the build machine's
 * programs look for them, and puts those programs first on the PATH dpkg gives maintainer scripts
 * (and dpkg's own dpkg-deb, which decompresses each package); the one deferred
 * update-ca-certificates run gets the lent dash too. Measured on debian-base for arm64: the
 * install step went from 40.2 s to 10.7 s, and every file of the image is byte-identical.
 *
 * What keeps it safe:
 * - Only for an x86-64 build machine and a target of another architecture that has no x86-64
 *   libraries or foreign architectures of its own (otherwise nothing changes: the target's own
 *   programs run, emulated or not). An arm64 build machine building amd64 falls back the same
 *   way: it is untested here, and the target's ldconfig would see the arm64 loader in /usr/lib.
 * - A program lends itself only when its package has the same version on both sides, and only
 *   programs whose output does not depend on the architecture: no uname, no dpkg (it knows its own
 *   architecture), no ldconfig, no interpreters (Perl's modules live in per-architecture paths).
 * - The links are removed before the install's build steps run, so nothing of them reaches a layer.
 */

/** Where the install RUN mounts the fetch stage's root (the build platform's parent), read-only. */
export const aptNativeRoot = "/kiln-native";

/** Links to the programs lent, first after the stand-ins on the PATH dpkg gives maintainer scripts. */
export const aptNativeBin = "/tmp/kiln-native-bin";

/**
 * Per package, the programs it lends. They take text and files in and write text and files out,
 * the same on every architecture.
 */
export const nativeTools: Readonly<Record<string, readonly string[]>> = {
  coreutils: [
    "basename",
    "cat",
    "chgrp",
    "chmod",
    "chown",
    "cp",
    "cut",
    "dirname",
    "expr",
    "head",
    "install",
    "ln",
    "ls",
    "md5sum",
    "mkdir",
    "mktemp",
    "mv",
    "readlink",
    "realpath",
    "rm",
    "rmdir",
    "sha256sum",
    "sort",
    "stat",
    "tail",
    "tee",
    "touch",
    "tr",
    "uniq",
    "wc",
  ],
  dash: ["dash"],
  diffutils: ["cmp", "diff"],
  dpkg: ["dpkg-deb"],
  findutils: ["find", "xargs"],
  grep: ["grep"],
  sed: ["sed"],
};

/** The line the install prints when programs are lent, then their names. */
export const nativeToolsNotice = "kiln: maintainer scripts run these programs natively:";

/** x86-64's loader, at the path its programs name, and its library directory (which holds it too). */
const loaderName = "ld-linux-x86-64.so.2";
const loader = `/lib64/${loaderName}`;
const libraryDir = "/usr/lib/x86_64-linux-gnu";

/**
 * Packages installed with the same version in the build platform's root and the target's, one per
 * line (mawk's paragraph mode: a dpkg status file is one stanza per package).
 */
const sameVersionsProgram = [
  'BEGIN { RS = "" }',
  '{ package = ""; version = ""; installed = 0; n = split($0, lines, "\\n")',
  '  for (i = 1; i <= n; i++) { if (lines[i] ~ /^Package: /) package = substr(lines[i], 10); else if (lines[i] ~ /^Version: /) version = substr(lines[i], 10); else if (lines[i] == "Status: install ok installed") installed = 1 }',
  "  if (!installed) next",
  "  if (FILENAME == ARGV[1]) native[package] = version; else if (package in native && native[package] == version) print package }",
].join("\n");

/**
 * Sets up the lent programs when this RUN is emulated on an x86-64 machine, and sets
 * `kiln_native_tools=1` when it did. Only mkdir and ln run emulated here; mawk and the second ln
 * are the build machine's.
 */
export function nativeToolsSetupScript(): string[] {
  const native = aptNativeRoot;
  const cases = Object.entries(nativeTools).map(([pkg, tools]) => `      ${pkg}) tools="${tools.join(" ")}" ;;`);
  return [
    "# The build machine's own coreutils, sed, grep, find and dpkg-deb for maintainer scripts when this RUN is",
    "# emulated: under QEMU every process they start costs ~40 ms (kiln's apt-native-tools.ts says why this is safe).",
    "kiln_native_tools=0",
    "foreign_arches=()",
    "[ ! -f /var/lib/dpkg/arch ] || mapfile -t foreign_arches < /var/lib/dpkg/arch",
    `if [ -e ${native}${libraryDir}/${loaderName} ] && [ -x ${native}/usr/bin/mawk ] && [ ! -e ${libraryDir} ] && [ ! -e /lib64 ] && [ "\${#foreign_arches[@]}" -le 1 ]; then`,
    "  kiln_native_tools=1",
    `  mkdir /lib64 ${aptNativeBin}`,
    `  ln -s ${native}${libraryDir} ${libraryDir} && ln -s ${libraryDir}/${loaderName} ${loader}`,
    `  if same=$(${native}/usr/bin/mawk '${sameVersionsProgram}' ${native}/var/lib/dpkg/status /var/lib/dpkg/status); then`,
    "    lent=()",
    "    for package in $same; do",
    '      case "$package" in',
    ...cases.map((line) => `  ${line}`),
    "        *) continue ;;",
    "      esac",
    "      for tool in $tools; do",
    `        for dir in ${native}/usr/bin ${native}/bin; do`,
    '          if [ -f "$dir/$tool" ] && [ -x "$dir/$tool" ]; then lent+=("$dir/$tool"); break; fi',
    "        done",
    "      done",
    "    done",
    `    if [ "\${#lent[@]}" -gt 0 ]; then`,
    `      ${native}/bin/ln -s "\${lent[@]}" ${aptNativeBin}/`,
    `      echo "${nativeToolsNotice} \${lent[*]##*/}"`,
    "    fi",
    "  fi",
    "fi",
  ];
}

/** Removes the links: the install's build steps and every later layer see the target as it is. */
export function nativeToolsTeardownScript(): string[] {
  // Link by link: rmdir fails rather than remove a /lib64 that holds anything else.
  return [`if [ "$kiln_native_tools" = 1 ]; then rm ${loader} ${libraryDir} && rmdir /lib64 && rm -r ${aptNativeBin}; fi`];
}

/**
 * Runs a shell-script command of the target (by its path) with the lent dash and programs when they
 * are there and the script is `#!/bin/sh` (with or without flags), else as it is.
 */
export function nativeShellCommand(command: string, args: string): string[] {
  return [
    `script=$(command -v ${command}) && shebang="" && read -r shebang < "$script" || true`,
    `if [ -x ${aptNativeBin}/dash ] && [[ "$shebang" =~ ^'#!'/bin/sh([[:space:]]+-[a-z]+)?$ ]]; then`,
    `  PATH=${aptNativeBin}:$PATH ${aptNativeBin}/dash \${BASH_REMATCH[1]} "$script" ${args}`,
    "else",
    `  ${command} ${args}`,
    "fi",
  ];
}
