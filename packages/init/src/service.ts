import { DefinitionError, defineFeature, type Feature, type ImageTestInput } from "@kiln/core";

/** A supervised service: the body of its runit `run` script, which must exec the daemon in the foreground. */
export interface ServiceSpec {
  run: string;
  /** false ships a `down` file: the service starts only with ENABLE_SERVICES="name" at run time */
  enabled?: boolean;
}

/** runit service names become directory names under /etc/service and words in ENABLE_SERVICES. */
const serviceName = /^[a-z0-9][a-z0-9_.-]*$/;

/** The shell lines that write /etc/service/<name>/run (stderr joined to stdout, so both reach the container log). */
export function serviceScript(name: string, spec: ServiceSpec): string[] {
  if (!serviceName.test(name)) {
    throw new DefinitionError(
      `init: service "${name}": not a service name (it becomes /etc/service/${name})`,
      "name services with lower-case letters, digits, . _ -, e.g. memcached",
    );
  }
  // The run script is a quoted heredoc: its body reaches the file verbatim, so it may not contain
  // the terminator line itself.
  if (spec.run.split("\n").includes("RUN")) {
    throw new DefinitionError(
      `init: service ${name}: run: a line reading "RUN" would end the heredoc that writes the script`,
      "indent that line or rename the word",
    );
  }
  return [
    `mkdir -p /etc/service/${name}`,
    `cat > /etc/service/${name}/run <<'RUN'`,
    "#!/bin/sh",
    "exec 2>&1",
    spec.run,
    "RUN",
    `chmod 0755 /etc/service/${name}/run`,
    ...(spec.enabled === false ? [`touch /etc/service/${name}/down`] : []),
  ];
}

/**
 * Debian's runit packages enable the services they ship (runit's default-syslog, openssh's ssh) by
 * a link in /etc/service, and re-enable them whenever a later install triggers runit again. A
 * dot-named link is Debian's mark for "disabled by the administrator" (runit-helper leaves the
 * service alone, runsvdir and my_init skip dot names): the image runs the services it declares.
 */
export const disablePackageServices = [
  "for link in /etc/service/*; do",
  '  if [ -L "$link" ]; then mv "$link" "/etc/service/.${link##*/}"; fi',
  "done",
];

/** The image test that proves a service is supervised and up, or off when it ships a down file. */
export function serviceTest(name: string, spec: ServiceSpec): ImageTestInput {
  return spec.enabled === false
    ? { kind: "file", name: `the ${name} service is off by default`, path: `/run/service/${name}/down` }
    : { kind: "command", name: `the ${name} service runs`, run: ["sv", "status", name], stdoutMatches: `^run: ${name}:` };
}

/**
 * One more service in an image built on an init image (e.g. debian-init), without applying init()
 * again: phusion's `COPY memcached.sh /etc/service/memcached/run`, as a feature that also tests it.
 */
export function service(name: string, spec: string | ServiceSpec): Feature {
  const resolved = typeof spec === "string" ? { run: spec } : spec;
  return defineFeature(`init-service-${name}`, () => ({
    steps: [
      {
        why: `init: the ${name} service, supervised by runit (and none a package enabled)`,
        run: [...disablePackageServices, ...serviceScript(name, resolved)].join("\n"),
      },
    ],
    tests: [serviceTest(name, resolved)],
  }));
}
