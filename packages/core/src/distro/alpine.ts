import { shellQuote } from "../shell/shell-quote.js";
import { shellId, type GroupSpec, type UserSpec } from "../spec/schema.js";
import { apkRepositoriesScript } from "./apk-repositories.js";
import type { DistroAdapter } from "./distro.js";

/**
 * Alpine: apk, BusyBox ash, BusyBox adduser/addgroup.
 *
 * Mirrors are build-time only: with KILN_APK_MIRROR set, apk reads a rewritten copy of the
 * repositories file, and the image keeps the file its base shipped, plus the definition's own
 * repositories (unless KILN_MIRROR_PERSIST=1). See apk-repositories.ts.
 */
export const alpine: DistroAdapter = {
  name: "alpine",
  shell: ["/bin/ash", "-eo", "pipefail", "-c"],
  mirrorArgs: ["KILN_APK_MIRROR", "KILN_MIRROR_PERSIST"],
  paths: { tini: "/sbin/tini" },
  // apk: name, an optional repository tag (@testing), an optional version constraint.
  packageName: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._+-]*(?:@[A-Za-z0-9._-]+)?(?:(?:=|~|~=|<|>|<=|>=)[A-Za-z0-9._+~-]+)?$/,
    examples: '"nginx", "py3-pip", "curl=8.14.1-r1", "tool@testing"',
  },
  packageSets: {
    // BusyBox (crond, syslogd, nc) is part of the Alpine base already.
    busybox: [],
    buildTools: ["build-base"],
  },

  installScript(packages, buildPackages, buildSteps, repositories) {
    const lines = apkRepositoriesScript(repositories?.apk ?? []);
    if (packages.length > 0) {
      lines.push(`apk add --no-cache --repositories-file "$repositories" ${packages.map(shellQuote).join(" ")}`);
    }
    if (buildPackages.length > 0) {
      lines.push(
        `apk add --no-cache --repositories-file "$repositories" --virtual .kiln-build-deps ${buildPackages.map(shellQuote).join(" ")}`,
      );
    }
    lines.push(...buildSteps);
    if (buildPackages.length > 0) lines.push("apk del --no-network .kiln-build-deps");
    lines.push(
      'if [ "${KILN_MIRROR_PERSIST:-}" = 1 ] && [ "$repositories" != /etc/apk/repositories ]; then',
      '  cp "$repositories" /etc/apk/repositories',
      "fi",
      "rm -f /tmp/kiln-apk-repositories",
    );
    return lines.join("\n");
  },

  accountScript(groups, users) {
    const lines: string[] = [];
    for (const group of groups) lines.push(alpineGroup(group));
    for (const user of users) lines.push(...alpineUser(user));
    return lines.join("\n");
  },
};

function alpineGroup(group: GroupSpec): string {
  const flags = [group.system ? "-S" : "", group.gid !== undefined ? `-g ${shellId(group.gid)}` : ""].filter(Boolean);
  return `addgroup ${[...flags, shellQuote(group.name)].join(" ")}`;
}

function alpineUser(user: UserSpec): string[] {
  const group = user.group ?? user.name;
  const lines: string[] = [];
  if (user.group === undefined) {
    const gid = user.gid ?? user.uid;
    lines.push(
      `addgroup ${[user.system ? "-S" : "", gid !== undefined ? `-g ${shellId(gid)}` : "", shellQuote(group)].filter(Boolean).join(" ")}`,
    );
  }
  const home = user.home ?? `/home/${user.name}`;
  const flags = [
    "-D",
    user.system ? "-S" : "",
    user.uid !== undefined ? `-u ${shellId(user.uid)}` : "",
    `-G ${shellQuote(group)}`,
    `-h ${shellQuote(home)}`,
    `-s ${shellQuote(user.shell ?? "/bin/sh")}`,
  ].filter(Boolean);
  lines.push(`adduser ${flags.join(" ")} ${shellQuote(user.name)}`);
  for (const extra of user.groups) lines.push(`addgroup ${[user.name, extra].map(shellQuote).join(" ")}`);
  if (user.login) {
    // adduser -D leaves "!" (locked): sshd then refuses even valid keys. "*" = no password, not locked.
    // The name is in a sed pattern: its grammar (posixNameSchema) has no character sed reads specially.
    lines.push(`sed -i "s/^${user.name}:!:/${user.name}:*:/" /etc/shadow`);
  }
  return lines;
}
