import { defineImage, tini } from "@kiln/core";

export default defineImage({
  name: "alpine-base",
  description: "Alpine Linux 3.22 with tini as PID 1, CA certificates, time zones and a non-root user",
  base: "alpine:3.22",
  // tzdata makes TZ work (without it TZ=Europe/Paris still prints UTC); TZ itself stays unset: UTC.
  packages: ["ca-certificates", "tzdata"],
  features: [tini()],
  users: [{ name: "app", uid: 10001 }],
  user: "app",
  workdir: "/home/app",
  cmd: ["/bin/sh"],
  runtimeEnv: { TZ: { default: "unset (UTC)", description: "the time zone, any zone from tzdata, e.g. Asia/Shanghai" } },
  tests: [
    { kind: "metadata", name: "runs as the non-root user app", user: "app" },
    { kind: "command", name: "the user is app (uid 10001)", run: ["id", "-u"], stdoutIncludes: ["10001"] },
    { kind: "command", name: "TZ works", run: ["env", "TZ=Asia/Shanghai", "date", "+%Z"], stdoutIncludes: ["CST"] },
    { kind: "file", name: "no apk cache is left", path: "/var/cache/apk", empty: true },
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
