import { defineFeature, type Feature } from "./feature.js";
import { featureFilesDirectory } from "./feature-files.js";

/** Where `kiln-crond` is installed; other features (ssh, init) start it when it is there. */
export const cronCommand = "/usr/local/bin/kiln-crond";

/**
 * BusyBox crond, the same on every distro, with job output in the container log. Debian's cron
 * mails job output and logs to syslog, neither of which a container has; Debian's plain busybox
 * lacks crond, so apt distros get busybox-static. The feature installs the command; who runs it
 * (the ssh feature's start script, an init service) is up to the image.
 *
 * @example
 * ```ts
 * // With ssh(), kiln-ssh-start runs crond beside sshd; with init(), as a service.
 * features: [ssh(), cron()],
 * ```
 */
export function cron(): Feature {
  return defineFeature("cron", ({ distro }) => ({
    packages: distro.packageSets.busybox,
    files: [{ contextDir: featureFilesDirectory(import.meta.url, "cron"), src: "kiln-crond", dest: cronCommand, mode: "0755" }],
    runtimeEnv: {
      CRONTABS_DIR: { description: "a directory of crontabs, each file named after its user, read besides /etc/crontabs" },
      CRON_LOG_LEVEL: { default: "8", description: "BusyBox crond's log level: 8 errors only, 5 every job start" },
    },
    tests: [{ kind: "command", name: "BusyBox has the crond applet", run: ["busybox", "--list"], stdoutMatches: "^crond$" }],
  }));
}
