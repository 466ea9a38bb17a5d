import { cron, cronCommand, defineImage } from "@kiln/core";
import { init } from "@kiln/init";
import { ssh } from "@kiln/ssh";
import debianBase from "debian-base/image";

/** The Debian twin of alpine-init: the same features and tests, buildable where no Alpine mirror is reachable. */
export default defineImage({
  name: "debian-init",
  description:
    "phusion-style baseimage on debian-base: my_init under tini, startup scripts, runit services, environment dumps, syslog and cron; sshd off by default",
  base: debianBase,
  features: [
    init({
      syslog: true,
      logrotate: true,
      services: {
        cron: `exec ${cronCommand}`,
        sshd: {
          // Without a key kiln-ssh-prepare fails; marking the service down keeps runsv from retrying each second.
          run: 'kiln-ssh-prepare || exec sv down "$PWD"\nexec /usr/sbin/sshd -D -e -p "${LISTEN_PORT:-2222}"',
          enabled: false,
        },
      },
    }),
    cron(),
    ssh({ user: "app", mode: "service" }),
  ],
  // The sshd service script above reads it.
  runtimeEnv: { LISTEN_PORT: { default: "2222", description: "the port sshd listens on, when the sshd service is enabled" } },
  user: "root",
  rootReason: "my_init runs startup scripts and services as root; services drop to their own user with setuser",
  tests: [
    {
      kind: "command",
      name: "no insecure key ships anywhere",
      run: ["sh", "-c", "find / -xdev -name '*insecure*' 2>/dev/null | wc -l"],
      stdoutMatches: "^\\s*0$",
    },
    { kind: "metadata", name: "my_init under tini, no default command", entrypoint: ["/usr/bin/tini", "--", "/sbin/my_init"], cmd: [] },
  ],
});
