import { absolutePathSchema, DefinitionError, defineFeature, posixNameSchema, shellQuote, type Feature } from "@kiln/core";
import { toolchain, type ToolchainPreset } from "./toolchain.js";

export interface DevImageOptions {
  /** the developer account; its UID and GID are build arguments (DEV_UID, DEV_GID) */
  user?: string;
  /** default UID/GID, overridden per build: kiln build --build-arg DEV_UID=$(id -u) */
  defaultUid?: number;
  presets?: ToolchainPreset[];
  /** the working directory, owned by the user: mount the project here */
  workspace?: string;
}

/**
 * A developer image: a toolchain, a non-root user with passwordless sudo, UTF-8, and a workspace
 * it owns. The UID is a build argument so files the container writes to a bind-mounted project
 * belong to the developer on the host. sudo's rule lives in a 0440 drop-in checked by visudo at
 * build time: a syntax error there would lock sudo out entirely.
 */
export function devImage(options: DevImageOptions = {}): Feature {
  const user = options.user ?? "dev";
  const uid = String(options.defaultUid ?? 1000);
  const workspace = options.workspace ?? "/workspace";
  const presets = options.presets ?? ["base", "build", "python", "node"];
  return defineFeature("dev-image", ({ distro }) => {
    // Both reach shell lines and the sudoers rule: a name and a path by their grammars, nothing else.
    for (const [option, value, schema] of [
      ["user", user, posixNameSchema],
      ["workspace", workspace, absolutePathSchema],
    ] as const) {
      const checked = schema.safeParse(value);
      if (!checked.success)
        throw new DefinitionError(`${option}: ${checked.error.issues[0]?.message}`, `fix the ${option} option of devImage()`);
    }
    const tools = toolchain(distro, presets);
    const sudoers = `/etc/sudoers.d/${user}`;
    return {
      packages: tools.packages,
      buildArgs: { DEV_UID: uid, DEV_GID: uid },
      users: [{ name: user, uid: "$DEV_UID", gid: "$DEV_GID", shell: "/bin/bash", home: `/home/${user}`, login: true }],
      steps: [
        {
          why: `dev-image: passwordless sudo for ${user} in a 0440 drop-in, checked by visudo; ${workspace} owned by ${user}`,
          run: [
            "grep -Eq '^[@#]includedir /etc/sudoers.d' /etc/sudoers || echo '@includedir /etc/sudoers.d' >> /etc/sudoers",
            `echo '${user} ALL=(ALL:ALL) NOPASSWD: ALL' > ${shellQuote(sudoers)}`,
            `chmod 0440 ${shellQuote(sudoers)}`,
            "visudo -c",
            `mkdir -p ${shellQuote(workspace)}`,
            `chown ${shellQuote(`${user}:${user}`)} ${shellQuote(workspace)}`,
          ].join("\n"),
        },
      ],
      env: { LANG: "C.UTF-8" },
      labels: { "io.kiln.profile": "dev" },
      tests: [
        { kind: "command", name: `${user} has passwordless sudo`, user, run: ["sudo", "-n", "true"] },
        { kind: "file", name: "the sudoers drop-in is 0440, owned by root", path: sudoers, mode: "0440", owner: "root" },
        { kind: "command", name: "visudo -c passes", user: "root", run: ["visudo", "-c"] },
        {
          kind: "command",
          name: `the tools are on PATH: ${tools.commands.join(", ")}`,
          run: [
            "sh",
            "-c",
            `for tool in ${tools.commands.join(" ")}; do command -v "$tool" >/dev/null || { echo "missing: $tool"; exit 1; }; done`,
          ],
        },
        ...(presets.includes("build")
          ? [
              {
                kind: "command" as const,
                name: "a C hello world compiles and runs",
                run: [
                  "sh",
                  "-c",
                  'cd "$(mktemp -d)" && printf \'#include <stdio.h>\\nint main(void) { puts("hello from cc"); return 0; }\\n\' > hello.c && cc -o hello hello.c && ./hello',
                ],
                stdoutIncludes: ["hello from cc"],
              },
            ]
          : []),
        { kind: "file", name: `${workspace} belongs to ${user}`, path: workspace, owner: user },
        { kind: "metadata", name: "UTF-8, labelled as a dev image", env: { LANG: "C.UTF-8" }, labels: { "io.kiln.profile": "dev" } },
      ],
    };
  });
}
