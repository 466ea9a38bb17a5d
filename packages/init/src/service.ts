import { DefinitionError, defineFeature, scriptText, type Feature, type ImageTestInput } from "@kiln/core";

/** A supervised service: the body of its runit `run` script, which must exec the daemon in the foreground. */
export interface ServiceSpec {
  run: string;
  /** false ships a `down` file: the service starts only with ENABLE_SERVICES="name" at run time */
  enabled?: boolean;
}

/**
 * The shell lines that write /etc/service/<name>/run (stderr joined to stdout, so both reach the
 * container log). The name becomes a directory and a word in ENABLE_SERVICES, so it is checked by
 * its grammar; the run script must be text, and the heredoc's end marker is one no line of it reads.
 */
export function serviceScript(name: string, spec: ServiceSpec): string[] {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new DefinitionError(
      `services.${JSON.stringify(name)}: a service name is letters, digits and . _ - (it names /etc/service/<name>)`,
      "rename the service",
    );
  }
  const run = scriptText.safeParse(spec.run);
  if (!run.success) throw new DefinitionError(`services.${name}.run: ${run.error.issues[0]?.message}`, "fix the service's run script");
  let marker = "RUN";
  for (let n = 1; spec.run.split("\n").includes(marker); n++) marker = `RUN${n}`;
  return [
    `mkdir -p /etc/service/${name}`,
    `cat > /etc/service/${name}/run <<'${marker}'`,
    "#!/bin/sh",
    "exec 2>&1",
    spec.run,
    marker,
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
