import { defineImage, tini } from "@kiln/core";

/** The Debian twin of alpine-base: the same contract, buildable where no Alpine mirror is reachable. */
export default defineImage({
  name: "debian-base",
  description: "Debian 12 (bookworm) with tini as PID 1, CA certificates, time zones and a non-root user",
  base: "debian:bookworm",
  // The family's root: its base, trimmed of documentation, manual pages and translations, is one smaller layer every child shares.
  trimBase: true,
  packages: ["ca-certificates", "tzdata"],
  features: [tini()],
  users: [{ name: "app", uid: 10001 }],
  user: "app",
  workdir: "/home/app",
  cmd: ["/bin/sh"],
  // tzdata is installed so that any zone works without a rebuild; unset, the image is on UTC.
  runtimeEnv: { TZ: { default: "unset (UTC)", description: "the time zone, any zone from tzdata, e.g. Asia/Shanghai" } },
  tests: [
    { kind: "metadata", name: "runs as the non-root user app", user: "app" },
    { kind: "command", name: "the user is app (uid 10001)", run: ["id", "-u"], stdoutIncludes: ["10001"] },
    { kind: "command", name: "TZ works", run: ["env", "TZ=Asia/Shanghai", "date", "+%Z"], stdoutIncludes: ["CST"] },
    { kind: "file", name: "no apt package lists are left", path: "/var/lib/apt/lists", empty: true },
    { kind: "file", name: "CA certificates are installed", path: "/etc/ssl/certs/ca-certificates.crt" },
    {
      kind: "command",
      name: "root has no usable password",
      user: "root",
      run: ["sh", "-c", "grep '^root:' /etc/shadow"],
      stdoutMatches: "^root:[*!]",
    },
  ],
});
