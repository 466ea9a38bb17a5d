import { cron, defineImage } from "@kiln/core";
import { ssh } from "@kiln/ssh";
import debianBase from "debian-base/image";

/** The Debian twin of alpine-ssh: the same features and tests, buildable where no Alpine mirror is reachable. */
export default defineImage({
  name: "debian-ssh",
  description:
    "key-only sshd and crond under tini on debian-base: host keys made at first start, authorized_keys rebuilt from PUBLIC_KEY* on every start",
  base: debianBase,
  features: [ssh({ user: "app", port: 2222 }), cron()],
  user: "root",
  rootReason: "sshd must switch to the login user after authenticating it, and crond to each crontab's user",
  tests: [
    { kind: "command", name: "tini is PID 1", run: ["cat", "/proc/1/comm"], stdoutIncludes: ["tini"] },
    { kind: "command", name: "sshd runs", run: ["sh", "-c", "cat /proc/[0-9]*/comm"], stdoutMatches: "^sshd$" },
    { kind: "command", name: "crond runs", run: ["sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '"], stdoutIncludes: ["crond -f"] },
    {
      kind: "metadata",
      name: "port 2222, the start script as the command",
      exposedPorts: ["2222/tcp"],
      cmd: ["/usr/local/bin/kiln-ssh-start"],
    },
    { kind: "zombies", name: "orphaned zombies are reaped" },
    { kind: "stop", name: "docker stop ends sshd and crond quickly, without SIGKILL" },
  ],
});
