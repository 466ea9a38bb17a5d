import { z } from "zod";
import { defineFeature, type Feature } from "./feature.js";

export interface TiniOptions {
  /**
   * Signal the whole process group (`-g`), so a shell's children get SIGTERM too on
   * `docker stop`. On by default: without it, `sh -c 'a | b'` leaves `b` to SIGKILL.
   */
  processGroup?: boolean;
  /** Exit code of the child when it was killed by a signal is remapped to 0 (`-e 143`). */
  successOnSigterm?: boolean;
}

const tiniOptionsSchema: z.ZodType<TiniOptions> = z.strictObject({
  processGroup: z.boolean().optional(),
  successOnSigterm: z.boolean().optional(),
});

/**
 * tini as PID 1: reaps orphaned zombies and forwards signals, which a shell or most daemons do
 * not do when they find themselves PID 1.
 *
 * @example
 * ```ts
 * features: [tini({ successOnSigterm: true })],
 * ```
 */
export function tini(options: TiniOptions = {}): Feature {
  return defineFeature("tini", { schema: tiniOptionsSchema, value: options }, ({ distro }, checked) => ({
    packages: ["tini"],
    entrypoint: {
      role: "init",
      argv: [
        distro.paths.tini,
        ...((checked.processGroup ?? true) ? ["-g"] : []),
        ...(checked.successOnSigterm ? ["-e", "143"] : []),
        "--",
      ],
    },
    tests: [
      {
        kind: "command",
        name: "tini is PID 1",
        run: ["cat", "/proc/1/comm"],
        stdoutIncludes: ["tini"],
      },
      { kind: "zombies", name: "orphaned zombies are reaped" },
      { kind: "stop", name: "docker stop ends the container quickly" },
    ],
  }));
}
