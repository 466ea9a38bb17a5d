/**
 * A Dockerfile as data. Synthesis builds this; render.ts turns it into text. Keeping a model
 * (rather than concatenating strings) lets tests assert on structure, not only on snapshots.
 */
export type Instruction =
  | { op: "comment"; text: string }
  | { op: "ARG"; name: string; defaultValue?: string }
  | { op: "SHELL"; argv: string[] }
  | { op: "USER"; user: string }
  | { op: "RUN"; script: string; /** --mount=… flags, e.g. type=secret,id=kiln-ca */ mounts?: string[] }
  | { op: "COPY"; sources: string[]; dest: string; from?: string; chown?: string; chmod?: string; link?: boolean }
  | { op: "ENV"; vars: [string, string][] }
  | { op: "WORKDIR"; path: string }
  | { op: "EXPOSE"; ports: string[] }
  | { op: "VOLUME"; paths: string[] }
  | { op: "LABEL"; labels: [string, string][] }
  | { op: "HEALTHCHECK"; test: string[]; interval: string; timeout: string; startPeriod: string; startInterval?: string; retries: number }
  | { op: "STOPSIGNAL"; signal: string }
  | { op: "ENTRYPOINT"; argv: string[] }
  | { op: "CMD"; argv: string[] }
  | { op: "raw"; text: string };

export interface Stage {
  from: string;
  /** FROM --platform=…, e.g. $BUILDPLATFORM for a stage that runs natively once */
  platform?: string;
  name: string;
  /** a line or two above FROM saying what the stage is for */
  comment?: string;
  instructions: Instruction[];
}

export interface DockerfileModel {
  /** first lines: the generated-file marker */
  header: string[];
  /** ARGs before the first FROM (usable in FROM lines) */
  globalArgs: Instruction[];
  stages: Stage[];
}
