import { shellQuote } from "../shell/shell-quote.js";
import { shellId, type GroupSpec, type UserSpec } from "../spec/schema.js";
import { aptPackageFetch, dpkgExcludesScript } from "./apt-fetch.js";
import { aptNativeBin, nativeShellCommand, nativeToolsSetupScript, nativeToolsTeardownScript } from "./apt-native-tools.js";
import { baseTrimScript } from "./base-trim.js";
import { aptSourcesScript, type AptArchive } from "./apt-sources.js";
import type { DistroAdapter, DistroPackageSets, DistroPaths } from "./distro.js";

/** apt settings for the build's own apt-get calls only: never left in the image. */
const aptBuildConfig = "/tmp/kiln-apt.conf";

/**
 * Stand-ins, for the build's installs only, for commands packages' maintainer scripts call. dpkg
 * runs maintainer scripts with the PATH apt's DPkg::Path sets (by default
 * /usr/sbin:/usr/bin:/sbin:/bin, not the build's PATH), so the stand-ins go first on that.
 *
 * - The init-system helpers register a service with systemd or SysV init, which an image does not
 *   run (it starts its process itself): their stand-ins succeed and do nothing. They are Perl, so
 *   under QEMU they cost: three deb-systemd-helper runs and update-rc.d took 1.2 s of
 *   nginx-common's 2.3 s configure step on arm64.
 * - update-ca-certificates runs twice in a first install of ca-certificates (its configure step
 *   without hooks, then its own trigger with them, which finds nothing new), and under QEMU each
 *   run took about 20 s of debian-base's arm64 install. Its stand-in notes the call, and the real
 *   one runs once after apt, with the hooks, and with --fresh when a call asked for it.
 */
const dpkgPathStandIns = "/tmp/kiln-dpkg-path";
const initHelpers = ["deb-systemd-helper", "deb-systemd-invoke", "update-rc.d"];
const deferredCalls = `${dpkgPathStandIns}/update-ca-certificates.calls`;

function standInsScript(): string[] {
  return [
    `mkdir -p ${dpkgPathStandIns}`,
    `for helper in ${initHelpers.join(" ")}; do printf '#!/bin/sh\\nexit 0\\n' > ${dpkgPathStandIns}/"$helper"; done`,
    `printf '#!/bin/sh\\necho "$*" >> ${deferredCalls}\\n' > ${dpkgPathStandIns}/update-ca-certificates`,
    `chmod +x ${dpkgPathStandIns}/*`,
  ];
}

/**
 * After an install: the one real update-ca-certificates its maintainer scripts asked for, if any,
 * with the build machine's dash and programs when they are lent (see apt-native-tools.ts).
 */
function deferredCallsScript(): string[] {
  return [
    `if [ -f ${deferredCalls} ]; then`,
    "  ca_options=()",
    `  if grep -q -- --fresh ${deferredCalls}; then ca_options=(--fresh); fi`,
    ...nativeShellCommand("update-ca-certificates", '"${ca_options[@]}"').map((line) => `  ${line}`),
    `  rm ${deferredCalls}`,
    "fi",
  ];
}

/** Debian and Ubuntu name these the same. */
const aptPackageSets: DistroPackageSets = {
  busybox: ["busybox-static"],
  buildTools: ["build-essential"],
};

/** Debian policy's package names (two or more of a-z 0-9 + . -), then :arch, then =version or /release. */
const aptPackageName = {
  pattern: /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9-]+)?(?:=[A-Za-z0-9.+~:-]+|\/[a-z0-9.-]+)?$/,
  examples: '"nginx", "libssl3:arm64", "curl=7.88.1-10+deb12u8", "git/bookworm-backports"',
};

/**
 * Debian and Ubuntu share apt, shadow-utils and bash. Mirrors are build-time only: apt reads
 * rewritten source files from /tmp/kiln-apt (Dir::Etc::SourceParts), so the image keeps the
 * sources its base shipped unless KILN_MIRROR_PERSIST=1 (see apt-sources.ts). `officialCmd` is
 * the CMD of the distro's official images, restated when the base is trimmed.
 */
export function aptDistro(name: "debian" | "ubuntu", archives: AptArchive[], paths: DistroPaths, officialCmd: string[]): DistroAdapter {
  const mirrorArgs = [...archives.map((archive) => archive.mirrorArg), "KILN_MIRROR_PERSIST"];
  return {
    name,
    shell: ["/bin/bash", "-eo", "pipefail", "-c"],
    mirrorArgs,
    paths,
    packageSets: aptPackageSets,
    packageName: aptPackageName,

    packageFetch: aptPackageFetch(archives),
    baseTrim: { script: baseTrimScript(), cmd: officialCmd },

    installScript(packages, buildPackages, buildSteps, repositories, fetched) {
      const lines = [...aptSourcesScript(archives, repositories?.apt ?? [])];
      if (fetched) {
        // Indexes and packages come from the fetch stage's mount: no network, no apt-get update.
        lines.push(`apt_options+=(-o Dir::State::Lists=${fetched}/lists -o Dir::Cache::Archives=${fetched}/archives --no-download)`);
      } else {
        lines.push('apt-get "${apt_options[@]}" update');
      }
      // fsync after every file buys nothing in a build: a crashed RUN leaves no layer at all.
      lines.push("apt_options+=(-o Dpkg::Options::=--force-unsafe-io)");
      // debconf's hook runs every package's questions before unpacking, in Perl: under QEMU that
      // took 0.45 s of debian-nginx's arm64 install. Noninteractive builds answer nothing, and each
      // package's configure step still asks (and takes the defaults) through debconf, so nothing
      // installed differs.
      // The build machine's programs come with the fetch stage's root: only a fetched install has them.
      const dpkgPath = [dpkgPathStandIns, ...(fetched ? [aptNativeBin] : []), "/usr/sbin:/usr/bin:/sbin:/bin"].join(":");
      lines.push(
        "# Stand-ins for maintainer scripts: they register no service with an init system the image does not",
        "# run, and defer update-ca-certificates to a single run after apt.",
        ...standInsScript(),
        ...(fetched ? nativeToolsSetupScript() : []),
        "# apt for this build: no debconf pre-configuration pass (each package's questions get their defaults",
        `# when it is configured), and the stand-ins${fetched ? " and lent programs" : ""} first on the PATH dpkg gives maintainer scripts.`,
        `printf '%s\\n' '#clear DPkg::Pre-Install-Pkgs;' 'DPkg::Path "${dpkgPath}";' > ${aptBuildConfig}`,
        `apt_options+=(-c ${aptBuildConfig})`,
        ...dpkgExcludesScript(),
      );
      if (packages.length > 0) {
        lines.push(
          `DEBIAN_FRONTEND=noninteractive apt-get "\${apt_options[@]}" install -y --no-install-recommends ${packages.map(shellQuote).join(" ")}`,
          ...deferredCallsScript(),
        );
      }
      if (buildPackages.length > 0) {
        lines.push(
          `DEBIAN_FRONTEND=noninteractive apt-get "\${apt_options[@]}" install -y --no-install-recommends ${buildPackages.map(shellQuote).join(" ")}`,
          ...deferredCallsScript(),
        );
      }
      if (fetched) lines.push(...nativeToolsTeardownScript());
      lines.push(...buildSteps);
      if (buildPackages.length > 0) {
        lines.push(`apt-get purge -y --auto-remove ${buildPackages.map(shellQuote).join(" ")}`);
      }
      lines.push(
        'if [ "${KILN_MIRROR_PERSIST:-}" = 1 ] && [ -d /tmp/kiln-apt ]; then',
        "  rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*",
        "  for copy in /tmp/kiln-apt/*; do",
        '    case "$copy" in */sources.list) cp "$copy" /etc/apt/sources.list ;; *) cp "$copy" /etc/apt/sources.list.d/ ;; esac',
        "  done",
        "fi",
        "apt-get clean",
        // Logs and ldconfig's aux-cache hold build times: dropping them keeps layers reproducible.
        `rm -rf /var/lib/apt/lists/* /tmp/kiln-apt ${aptBuildConfig} ${dpkgPathStandIns} /var/log/apt/* /var/log/dpkg.log /var/cache/ldconfig/aux-cache`,
      );
      return lines.join("\n");
    },

    accountScript(groups, users) {
      const lines: string[] = [];
      for (const group of groups) lines.push(aptGroup(group));
      for (const user of users) lines.push(...aptUser(user));
      return lines.join("\n");
    },
  };
}

function aptGroup(group: GroupSpec): string {
  const flags = [group.system ? "--system" : "", group.gid !== undefined ? `--gid ${shellId(group.gid)}` : ""].filter(Boolean);
  return `groupadd ${[...flags, shellQuote(group.name)].join(" ")}`;
}

function aptUser(user: UserSpec): string[] {
  const lines: string[] = [];
  const group = user.group ?? user.name;
  if (user.group === undefined) {
    const gid = user.gid ?? user.uid;
    lines.push(aptGroup({ name: group, gid, system: user.system }));
  }
  const home = user.home ?? `/home/${user.name}`;
  const flags = [
    user.system ? "--system" : "",
    user.uid !== undefined ? `--uid ${shellId(user.uid)}` : "",
    `--gid ${shellQuote(group)}`,
    user.groups.length > 0 ? `--groups ${shellQuote(user.groups.join(","))}` : "",
    `--home-dir ${shellQuote(home)}`,
    "--create-home",
    `--shell ${shellQuote(user.shell ?? "/bin/sh")}`,
  ].filter(Boolean);
  lines.push(`useradd ${flags.join(" ")} ${shellQuote(user.name)}`);
  if (user.login) {
    // useradd leaves "!" (locked). "*" = no password to leak, yet sshd accepts keys without PAM.
    lines.push(`usermod -p '*' ${shellQuote(user.name)}`);
  }
  return lines;
}
