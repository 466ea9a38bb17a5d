import { defineFeature, featureFilesDirectory, posixNameSchema, serviceHealthcheck, z, type DistroName, type Feature } from "@kiln/core";

/** sshd, ssh-keygen and the sftp server: Alpine splits them into three packages, Debian and Ubuntu ship one. */
const sshServerPackages: Record<DistroName, string[]> = {
  alpine: ["openssh-server", "openssh-keygen", "openssh-sftp-server"],
  debian: ["openssh-server"],
  ubuntu: ["openssh-server"],
};

export interface SshOptions {
  /** the login user; it must exist (in the image or its parent). Its shadow entry becomes `*`. */
  user?: string;
  /** the port sshd listens on, its EXPOSE and the one its health check probes; LISTEN_PORT overrides it at run time */
  port?: number;
  /** `AllowTcpForwarding`: off by default; editors' remote sessions (VS Code Remote-SSH) need it */
  allowTcpForwarding?: boolean;
  /**
   * standalone: the image's CMD starts sshd (and crond, with the cron feature) under tini, and the
   * container lives as long as they do, with a HEALTHCHECK on the SSH banner.
   * on-demand: the same scripts, but the image keeps its own CMD and has no HEALTHCHECK; run
   * `kiln-ssh-start` as root to serve (a dev image, most days used without sshd).
   * service: sshd is installed and configured, and `kiln-ssh-prepare` is there for an init
   * system's service script; nothing starts it by default.
   */
  mode?: "standalone" | "on-demand" | "service";
}

const sshOptionsSchema: z.ZodType<SshOptions> = z.strictObject({
  user: posixNameSchema.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  allowTcpForwarding: z.boolean().optional(),
  mode: z.enum(["standalone", "on-demand", "service"]).optional(),
});

/** Where the host keys are made at first start; mount a volume here to keep them. */
export const hostKeyDirectory = "/etc/ssh/keys";

/**
 * sshd with key-only logins, as a feature any image can add.
 *
 * The policy lives in a drop-in (/etc/ssh/sshd_config.d/10-kiln.conf) included before anything
 * else in sshd_config, because sshd keeps the first value it reads. No host key ships in the
 * image; authorized_keys is rebuilt from the environment and mounted secrets on every start. The
 * login user's shadow entry is `*`: Alpine's `adduser -D` writes `!`, a locked account that sshd
 * refuses even with a valid key, and a random password would only be a secret to leak.
 *
 * @example
 * ```ts
 * // A child of debian-ssh with its own login user on port 22: nothing is installed again.
 * features: [ssh({ user: "admin", port: 22 })],
 * users: [{ name: "admin", uid: 10002, login: true }],
 * ```
 */
export function ssh(options: SshOptions = {}): Feature {
  return defineFeature("ssh", { schema: sshOptionsSchema, value: options }, ({ distro }, checked) => {
    const user = checked.user ?? "app";
    const port = checked.port ?? 2222;
    const forwarding = checked.allowTcpForwarding ?? false;
    const mode = checked.mode ?? "standalone";
    const contextDir = featureFilesDirectory(import.meta.url, "ssh");
    const script = (name: string) => ({ contextDir, src: name, dest: `/usr/local/bin/${name}`, mode: "0755" });
    return {
      packages: [...sshServerPackages[distro.name], ...distro.packageSets.busybox],
      files: [script("kiln-ssh-prepare"), ...(mode === "service" ? [] : [script("kiln-ssh-start"), script("kiln-ssh-health")])],
      steps: [
        {
          why: "ssh: key-only policy in a drop-in that sshd reads first; no host keys in the image (they are made at first start)",
          run: [
            "mkdir -p /etc/ssh/sshd_config.d",
            "grep -q '^Include /etc/ssh/sshd_config.d/\\*.conf' /etc/ssh/sshd_config || sed -i '1i Include /etc/ssh/sshd_config.d/*.conf' /etc/ssh/sshd_config",
            "cat > /etc/ssh/sshd_config.d/10-kiln.conf <<'SSHD'",
            "# Written by kiln's ssh feature. sshd keeps the first value it reads, and this file is read first.",
            `Port ${port}`,
            `HostKey ${hostKeyDirectory}/ssh_host_ed25519_key`,
            `HostKey ${hostKeyDirectory}/ssh_host_ecdsa_key`,
            "# Rebuilt on every start by kiln-ssh-prepare, so a key removed from PUBLIC_KEY is revoked.",
            "AuthorizedKeysFile /run/kiln-ssh/authorized_keys/%u",
            "AuthenticationMethods publickey",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitEmptyPasswords no",
            "PermitRootLogin no",
            "X11Forwarding no",
            `AllowTcpForwarding ${forwarding ? "yes" : "no"}`,
            "UseDNS no",
            "# VERBOSE logs the fingerprint of the key each login used.",
            "LogLevel VERBOSE",
            "PidFile /run/kiln-ssh/sshd.pid",
            "SSHD",
            "rm -f /etc/ssh/ssh_host_*",
            // Scoped to the user's line: the pattern cannot touch another account.
            `sed -i -E 's/^${user}:[^:]*:/${user}:*:/' /etc/shadow`,
            `grep -q '^${user}:\\*:' /etc/shadow`,
          ].join("\n"),
        },
      ],
      // The start and health scripts read the port from here, so Port in the drop-in and the probe agree.
      env: { KILN_SSH_USER: user, KILN_SSH_PORT: String(port) },
      needsUsers: [user],
      runtimeEnv: {
        PUBLIC_KEY: { description: "one or more public keys, one per line, authorized for the login user" },
        PUBLIC_KEY_FILE: { description: "a file (or a directory of files) of public keys, e.g. a mounted secret" },
        PUBLIC_KEY_DIR: { description: "a directory whose every file holds public keys" },
        SSH_REQUIRE_KEYS: {
          default: "true",
          description: "with no key from any source, refuse to start (exit 78); false starts anyway, with a warning",
        },
        // In service mode the init's service script reads it, so the image declares it there.
        ...(mode === "service" ? {} : { LISTEN_PORT: { default: String(port), description: "the port sshd listens on" } }),
      },
      testEnv: {
        // A public key whose private half was thrown away: enough for the container to start.
        PUBLIC_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINw9ODHSRLpgB8ztr6QgQN9ZU6GgOG4OafGhVyBayfnq kiln-test-key",
      },
      ...(mode === "on-demand" ? { ports: [port] } : {}),
      ...(mode === "standalone"
        ? {
            cmd: ["/usr/local/bin/kiln-ssh-start"],
            ports: [port],
            healthcheck: serviceHealthcheck(["/usr/local/bin/kiln-ssh-health"], 10),
          }
        : {}),
      tests: [
        {
          kind: "command",
          name: "sshd -T shows key-only logins, no root, no X11",
          // In service mode nothing has made host keys yet, and sshd -T wants them.
          run: mode === "standalone" ? ["sshd", "-T"] : ["sh", "-c", "kiln-ssh-prepare 2>/dev/null; sshd -T"],
          user: "root",
          stdoutIncludes: [
            "passwordauthentication no",
            "kbdinteractiveauthentication no",
            "permitrootlogin no",
            "x11forwarding no",
            "authenticationmethods publickey",
            `allowtcpforwarding ${forwarding ? "yes" : "no"}`,
          ],
        },
        {
          kind: "command",
          name: `${user}'s shadow entry is * (no password, not locked)`,
          user: "root",
          run: ["awk", "-F:", `$1 == "${user}" { print $2 }`, "/etc/shadow"],
          stdoutMatches: "^\\*$",
        },
        {
          kind: "command",
          name: "no host key ships in /etc/ssh",
          run: ["sh", "-c", "ls /etc/ssh/ssh_host_* 2>/dev/null | wc -l"],
          stdoutMatches: "^\\s*0$",
        },
        ...(mode === "standalone"
          ? [
              {
                kind: "file" as const,
                name: "authorized_keys is built from PUBLIC_KEY",
                path: `/run/kiln-ssh/authorized_keys/${user}`,
                mode: "0644",
                contains: ["kiln-test-key"],
              },
              { kind: "health" as const, name: "the SSH banner makes the container healthy", timeoutSeconds: 90 },
            ]
          : []),
      ],
    };
  });
}
