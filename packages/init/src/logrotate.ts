import { DefinitionError } from "@kiln/core";

export interface LogrotateOptions {
  /** the logs to rotate (globs allowed); default: the convention for services, /var/log/service/*.log */
  files?: string[];
  /** default "daily" */
  period?: "daily" | "weekly" | "monthly";
  /** how many rotated logs to keep; default 7 */
  keep?: number;
}

/** Where services that log to files write, by this feature's convention (as /etc/service holds their run scripts). */
export const serviceLogDirectory = "/var/log/service";

const logPath = /^\/[A-Za-z0-9_.*?/-]+$/;

/**
 * logrotate's rules for the image's service logs. copytruncate, because a runit service opened its
 * log with `>>` in its run script and nothing could tell it to reopen the file after a rename.
 * The distro's own /etc/logrotate.conf still applies to its logs.
 */
export function logrotateConfig(options: LogrotateOptions): string {
  const files = options.files ?? [`${serviceLogDirectory}/*.log`];
  for (const file of files) {
    if (!logPath.test(file) || file.split("/").includes("..")) {
      throw new DefinitionError(
        `init: logrotate.files: "${file}" is not an absolute log path`,
        `write absolute paths or globs without spaces, e.g. ${serviceLogDirectory}/*.log`,
      );
    }
  }
  const keep = options.keep ?? 7;
  if (!Number.isInteger(keep) || keep < 1) {
    throw new DefinitionError(`init: logrotate.keep: ${keep} is not a positive whole number`, "keep: 7 keeps a week of daily logs");
  }
  return [
    `${files.join(" ")} {`,
    `    ${options.period ?? "daily"}`,
    `    rotate ${keep}`,
    "    missingok",
    "    notifempty",
    "    compress",
    "    delaycompress",
    "    copytruncate",
    "}",
  ].join("\n");
}

/**
 * A service that runs logrotate, then sleeps an hour and is restarted by runsv: logrotate's state
 * file decides what is due, so "daily" is honoured within the hour, with no cron daemon needed.
 */
export const logrotateService = {
  run: 'logrotate /etc/logrotate.conf || echo "logrotate exited with code $?"\nexec sleep 3600',
};
