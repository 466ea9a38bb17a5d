import { defineFeature, type Feature } from "./feature.js";
import { featureFilesDirectory } from "./feature-files.js";

/** Where `kiln-crond` is installed; other features (ssh, init) start it when it is there. */
export const cronCommand = "/usr/local/bin/kiln-crond";

/**
 * BusyBox crond, the same on every distro, with job output in the container log. Debian's cron
 * mails job output and logs to syslog, neither of which a container has; Debian's plain busybox
 * lacks crond, so apt distros get busybox-static. The feature installs the command; who runs it
 * (the ssh feature's start script, an init service) is up to the image.
 */
export function cron(): Feature {
  return defineFeature("cron", ({ distro }) => ({
    packages: distro.packageSets.busybox,
    files: [{ contextDir: featureFilesDirectory(import.meta.url, "cron"), src: "kiln-crond", dest: cronCommand, mode: "0755" }],
    tests: [
      { kind: "command", name: "BusyBox has the crond applet", run: ["busybox", "--list"], stdoutMatches: "^crond$" },
    ],
  }));
}
