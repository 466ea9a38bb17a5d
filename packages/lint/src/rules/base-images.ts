import { splitImageReference } from "@kiln/reference";
import { isStageName, type Stage } from "../dockerfile.js";
import { ofKeyword, type Rule, type RuleFinding } from "./rule.js";

/** `*.example.com`, `registry.*`, `*` and exact names, as .hadolint.yaml's trustedRegistries. */
function registryMatches(pattern: string, registry: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*")) return registry.endsWith(pattern.slice(1));
  if (pattern.endsWith("*")) return registry.startsWith(pattern.slice(0, -1));
  return registry === pattern;
}

export const baseImageRules: Rule[] = [
  {
    code: "DL3006",
    severity: "warning",
    summary: "tag the base image explicitly (image:tag or image@digest)",
    check: ({ dockerfile }) =>
      dockerfile.stages
        .filter(
          (stage) =>
            stage.imageName !== "scratch" &&
            !stage.digest &&
            stage.tag === undefined &&
            !stage.image.startsWith("$") &&
            !isStageName(dockerfile, stage.imageName, stage.index),
        )
        .map((stage) => ({ line: stage.line })),
  },
  {
    code: "DL3007",
    severity: "warning",
    summary: "do not build FROM :latest: pin a release tag (or a digest) so rebuilds are reproducible",
    check: ({ dockerfile }) =>
      dockerfile.stages.filter((stage) => stage.tag === "latest" && !stage.digest).map((stage) => ({ line: stage.line })),
  },
  {
    code: "DL3024",
    severity: "error",
    summary: "stage names (FROM … AS name) must be unique",
    check: ({ dockerfile }) => {
      const seen = new Set<string>();
      return dockerfile.stages.flatMap((stage) => {
        if (!stage.name) return [];
        if (seen.has(stage.name)) return [{ line: stage.line }];
        seen.add(stage.name);
        return [];
      });
    },
  },
  {
    code: "DL3026",
    severity: "error",
    summary: "use only a trusted registry (trustedRegistries in .hadolint.yaml)",
    check: ({ dockerfile, settings }) => {
      const allowed = settings.trustedRegistries;
      if (allowed.length === 0) return [];
      const trusted = (reference: string, before: number) => {
        if (
          reference === "scratch" ||
          isStageName(dockerfile, reference, before) ||
          reference.startsWith("$") ||
          settings.buildContexts.includes(reference)
        )
          return true;
        const registry = splitImageReference(reference).domain;
        return registry
          ? allowed.some((p) => registryMatches(p, registry))
          : allowed.some((p) => registryMatches(p, "docker.io") || registryMatches(p, "hub.docker.com"));
      };
      const findings: RuleFinding[] = [];
      for (const instruction of dockerfile.instructions) {
        if (instruction.keyword === "FROM" && !instruction.onbuild) {
          const stage = dockerfile.stages[instruction.stage] as Stage;
          if (!trusted(stage.imageName, stage.index)) findings.push({ line: instruction.line });
        } else if (instruction.keyword === "COPY") {
          const from = instruction.flags.find((flag) => flag.name === "from")?.value;
          if (from && !/^\d+$/.test(from) && !trusted(from, instruction.stage + 1)) findings.push({ line: instruction.line });
        } else if (instruction.keyword === "RUN") {
          const images = instruction.flags
            .filter((f) => f.name === "mount")
            .flatMap((f) =>
              f.value
                .split(",")
                .filter((o) => o.startsWith("from="))
                .map((o) => o.slice(5)),
            );
          if (images.some((image) => !trusted(image, instruction.stage + 1))) findings.push({ line: instruction.line });
        }
      }
      return findings;
    },
  },
  {
    code: "DL3029",
    severity: "warning",
    summary: "do not pin FROM --platform to one architecture: use $BUILDPLATFORM or $TARGETPLATFORM, or leave it out",
    check: ({ dockerfile }) =>
      dockerfile.stages
        .filter(
          (stage) =>
            stage.platform !== undefined && !stage.platform.includes("BUILDPLATFORM") && !stage.platform.includes("TARGETPLATFORM"),
        )
        .map((stage) => ({ line: stage.line })),
  },
  {
    code: "DL3065",
    severity: "warning",
    summary: "FROM --platform=$TARGETPLATFORM says what is already the default: leave it out",
    check: ({ dockerfile }) =>
      dockerfile.stages
        .filter((stage) => stage.platform === "$TARGETPLATFORM" || stage.platform === "${TARGETPLATFORM}")
        .map((stage) => ({ line: stage.line })),
  },
  {
    code: "DL3063",
    severity: "warning",
    summary: "do not name a stage scratch or context: both words mean something else to the builder",
    check: ({ dockerfile }) =>
      dockerfile.stages.filter((stage) => stage.name === "scratch" || stage.name === "context").map((stage) => ({ line: stage.line })),
  },
  {
    code: "DL3061",
    severity: "error",
    summary: "a Dockerfile starts with FROM (ARG and comments may come before it)",
    check: ({ dockerfile }) => {
      const first = dockerfile.instructions.findIndex((i) => i.keyword === "FROM");
      const before = first < 0 ? dockerfile.instructions : dockerfile.instructions.slice(0, first);
      return before.filter((i) => i.keyword !== "ARG" && !i.onbuild).map((i) => ({ line: i.line }));
    },
  },
  {
    code: "DL3043",
    severity: "error",
    summary: "ONBUILD cannot trigger ONBUILD, FROM or MAINTAINER",
    check: ({ dockerfile }) =>
      ofKeyword(dockerfile, "ONBUILD")
        .filter((i) => ["ONBUILD", "FROM", "MAINTAINER"].includes((i.words[0] ?? "").toUpperCase()))
        .map((i) => ({ line: i.line })),
  },
];
