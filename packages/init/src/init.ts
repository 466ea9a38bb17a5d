import { defineFeature, featureFilesDirectory, serviceHealthcheck, type Feature } from "@kiln/core";
import { containerEnvironmentDirectory, containerEnvironmentScript } from "./container-environment.js";
import { logrotateConfig, logrotateService, serviceLogDirectory, type LogrotateOptions } from "./logrotate.js";
import { disablePackageServices, serviceScript, serviceTest, type ServiceSpec } from "./service.js";

export interface InitOptions {
  /** services under /etc/service/<name>; a string is the run script's body */
  services?: Record<string, string | ServiceSpec>;
  /** BusyBox syslogd as a service, writing to the container log, so `logger` and /dev/log work */
  syslog?: boolean;
  /**
   * Build-time environment, written to /etc/container_environment: every startup script and
   * service sees it; ENV and `docker run -e` override it. Not for secrets (it is in the image).
   */
  env?: Record<string, string>;
  /**
   * logrotate for services that log to files: true rotates /var/log/service/*.log daily, keeps 7,
   * compressed, by copytruncate; an object changes the files, period or count.
   */
  logrotate?: boolean | LogrotateOptions;
}

/** The group that may read the environment dumps (phusion's docker_env, same gid). */
export const environmentGroup = { name: "docker_env", gid: 8377 };

/**
 * phusion baseimage's my_init semantics on Alpine and Debian alike: startup scripts in
 * /etc/my_init.d, supervised services in /etc/service (runit, packaged by both distros), the
 * environment dumped for scripts that run without it, `setuser`, and an ordered shutdown that fits
 * in docker stop's 10 s. tini stays PID 1 to reap zombies; it runs without -g, so a stop signal
 * reaches my_init alone and my_init decides the order things stop in.
 */
export function init(options: InitOptions = {}): Feature {
  const services: Record<string, ServiceSpec> = {};
  if (options.syslog)
    services.syslog = { run: "# -O -: messages go to stdout, which runsv passes on to the container log.\nexec busybox syslogd -n -O -" };
  for (const [name, spec] of Object.entries(options.services ?? {})) services[name] = typeof spec === "string" ? { run: spec } : spec;
  const logrotate = options.logrotate === true ? {} : options.logrotate === false ? undefined : options.logrotate;
  if (logrotate !== undefined) services.logrotate = logrotateService;

  return defineFeature("init", ({ distro }) => {
    const contextDir = featureFilesDirectory(import.meta.url, "init");
    const serviceScripts = Object.entries(services).flatMap(([name, spec]) => serviceScript(name, spec));
    const logrotateSteps =
      logrotate === undefined
        ? []
        : [
            `mkdir -p ${serviceLogDirectory}`,
            "cat > /etc/logrotate.d/kiln-services <<'LOGROTATE'",
            logrotateConfig(logrotate),
            "LOGROTATE",
          ];
    return {
      packages: [
        "jq",
        "runit",
        "tini",
        ...(options.syslog ? distro.packageSets.busybox : []),
        ...(logrotate === undefined ? [] : ["logrotate"]),
      ],
      groups: [environmentGroup],
      files: [
        { contextDir, src: "my_init", dest: "/sbin/my_init", mode: "0755" },
        { contextDir, src: "setuser", dest: "/sbin/setuser", mode: "0755" },
        { contextDir, src: "kiln-init-health", dest: "/usr/local/bin/kiln-init-health", mode: "0755" },
      ],
      steps: [
        {
          why: "init: phusion's directories, the build-time environment, its paths to the dumps (on /run), and the services",
          run: [
            "mkdir -p /etc/my_init.d /etc/my_init.pre_shutdown.d /etc/my_init.post_shutdown.d /etc/service",
            ...disablePackageServices,
            // A directory of the image, so `RUN echo v > /etc/container_environment/NAME` lasts.
            `mkdir -p ${containerEnvironmentDirectory}`,
            `chgrp docker_env ${containerEnvironmentDirectory}`,
            `chmod 0750 ${containerEnvironmentDirectory}`,
            ...containerEnvironmentScript(options.env ?? {}),
            "ln -sf /run/container_environment.sh /etc/container_environment.sh",
            "ln -sf /run/container_environment.json /etc/container_environment.json",
            ...serviceScripts,
            ...logrotateSteps,
          ].join("\n"),
        },
      ],
      env: { SVDIR: "/run/service" },
      runtimeEnv: {
        ENABLE_SERVICES: { description: "space-separated services to start despite their down file" },
        ENABLE_SSH: { default: "false", description: "true is short for ENABLE_SERVICES=sshd" },
        KILL_PROCESS_TIMEOUT: { default: "5", description: "seconds each service (and the command) gets to stop" },
        KILL_ALL_PROCESSES_TIMEOUT: { default: "3", description: "seconds other processes get after SIGTERM before SIGKILL" },
      },
      // tini stays PID 1 under my_init, so init() may take the place of a parent's tini().
      entrypoint: { role: "init", argv: [distro.paths.tini, "--", "/sbin/my_init"], replaces: ["tini"] },
      // No command: my_init runs the services until stopped. `docker run IMG cmd` adds a main command.
      cmd: [],
      healthcheck: serviceHealthcheck(["/usr/local/bin/kiln-init-health"], 10),
      tests: [
        { kind: "health", name: "every enabled service is up (health check)", timeoutSeconds: 90 },
        {
          kind: "command",
          name: "tini is PID 1 and my_init its child",
          run: ["sh", "-c", "cat /proc/1/comm /proc/[0-9]*/comm"],
          stdoutMatches: "^tini$[\\s\\S]*^my_init$",
        },
        {
          kind: "command",
          name: "runsvdir supervises /run/service",
          run: ["sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '"],
          stdoutIncludes: ["runsvdir -P /run/service"],
        },
        {
          kind: "command",
          name: "the environment dumps are readable by root and docker_env only",
          run: [
            "stat",
            "-c",
            "%n %a %U %G",
            "/run/container_environment",
            "/run/container_environment.sh",
            "/run/container_environment.json",
          ],
          stdoutIncludes: [
            "/run/container_environment 750 root docker_env",
            "/run/container_environment.sh 640 root docker_env",
            "/run/container_environment.json 640 root docker_env",
          ],
        },
        {
          kind: "command",
          name: "a user outside docker_env cannot read them",
          user: "nobody",
          run: ["sh", "-c", "cat /run/container_environment.sh"],
          exitCode: 1,
        },
        {
          kind: "command",
          name: "setuser runs a command as the user, with its HOME",
          run: ["setuser", "nobody", "sh", "-c", "id -u; echo $HOME"],
          stdoutMatches: "^65534\\n/",
        },
        ...Object.entries(services).map(([name, spec]) => serviceTest(name, spec)),
        ...(logrotate === undefined
          ? []
          : [
              {
                kind: "command" as const,
                name: "logrotate accepts the configuration, distro rules included",
                run: ["logrotate", "--debug", "/etc/logrotate.conf"],
              },
            ]),
        { kind: "zombies", name: "orphaned zombies are reaped" },
        { kind: "stop", name: "docker stop shuts down in order, well inside 10 s", maxSeconds: 9 },
      ],
    };
  });
}
