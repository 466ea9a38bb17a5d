import { keyValuePairs, type Instruction } from "../dockerfile.js";
import { ignorePragma } from "../pragmas.js";
import { dropQuotes, ofKeyword, type Rule, type RuleFinding } from "./rule.js";
import { windowsStages } from "./windows.js";

/** Findings on the second and later `keyword` of each stage. */
function repeatedInStage(instructions: Instruction[], keyword: string): RuleFinding[] {
  const seen = new Set<number>();
  return instructions.flatMap((instruction) => {
    if (instruction.keyword !== keyword || instruction.onbuild) return [];
    if (seen.has(instruction.stage)) return [{ line: instruction.line }];
    seen.add(instruction.stage);
    return [];
  });
}

const isRoot = (user: string) => user === "root" || user === "0" || user.startsWith("root:") || user.startsWith("0:");

export const instructionRules: Rule[] = [
  {
    code: "DL3000",
    severity: "error",
    summary: "use an absolute WORKDIR",
    check: ({ dockerfile }) =>
      ofKeyword(dockerfile, "WORKDIR", { onbuild: true })
        .filter((i) => {
          const path = dropQuotes(i.args);
          return !path.startsWith("/") && !path.startsWith("$") && !/^[A-Za-z]:/.test(path);
        })
        .map((i) => ({ line: i.line })),
  },
  {
    code: "DL3002",
    severity: "warning",
    summary: "the last USER of a stage should not be root: add a user and switch to it",
    check: ({ dockerfile }) => {
      const lastUser = new Map<number, Instruction>();
      for (const user of ofKeyword(dockerfile, "USER")) lastUser.set(user.stage, user);
      // kiln writes why an image runs as root right above its USER: that is a decision, not an accident.
      return [...lastUser.values()]
        .filter((user) => isRoot(user.args) && !user.comments.some((c) => /^kiln: runs as root because \S/.test(c)))
        .map((user) => ({ line: user.line }));
    },
  },
  {
    code: "DL3066",
    severity: "info",
    summary: "USER by name needs the name in the image's /etc/passwd and means nothing to the host: prefer a numeric uid",
    check: ({ dockerfile }) => {
      const args = new Set<string>();
      const findings: RuleFinding[] = [];
      // Windows accounts (ContainerUser, ContainerAdministrator) have no numeric uid to prefer.
      const windows = windowsStages(dockerfile);
      for (const instruction of dockerfile.instructions) {
        if (instruction.onbuild) continue;
        if (instruction.keyword === "ARG") for (const { key } of keyValuePairs(instruction)) args.add(key);
        if (instruction.keyword !== "USER" || windows.has(instruction.stage)) continue;
        const uid = instruction.args.split(":")[0] ?? "";
        const fromArg = [...args].some((name) => uid.includes(`\${${name}}`) || uid.includes(`$${name}`));
        if (!/^\d+$/.test(uid) && !fromArg) findings.push({ line: instruction.line });
      }
      return findings;
    },
  },
  {
    code: "DL3011",
    severity: "error",
    summary: "EXPOSE ports range from 0 to 65535",
    check: ({ dockerfile }) =>
      ofKeyword(dockerfile, "EXPOSE", { onbuild: true })
        .filter((expose) =>
          expose.words.some((word) =>
            (dropQuotes(word).split("/")[0] ?? "").split("-").some((port) => /^\d+$/.test(port) && Number(port) > 65535),
          ),
        )
        .map((expose) => ({ line: expose.line })),
  },
  {
    code: "DL3012",
    severity: "error",
    summary: "a stage has one HEALTHCHECK: only the last one counts",
    check: ({ dockerfile }) => repeatedInStage(dockerfile.instructions, "HEALTHCHECK"),
  },
  {
    code: "DL4003",
    severity: "warning",
    summary: "a stage has one CMD: only the last one counts",
    check: ({ dockerfile }) => repeatedInStage(dockerfile.instructions, "CMD"),
  },
  {
    code: "DL4004",
    severity: "error",
    summary: "a stage has one ENTRYPOINT: only the last one counts",
    check: ({ dockerfile }) => repeatedInStage(dockerfile.instructions, "ENTRYPOINT"),
  },
  {
    code: "DL3025",
    severity: "warning",
    summary: "write CMD, ENTRYPOINT and HEALTHCHECK CMD in JSON form: in shell form /bin/sh is PID 1 and signals never reach the program",
    check: ({ dockerfile }) =>
      dockerfile.instructions
        .filter((i) => {
          if (i.keyword === "CMD" || i.keyword === "ENTRYPOINT") return !i.json;
          if (i.keyword !== "HEALTHCHECK" || /^NONE$/i.test(i.args.trim())) return false;
          const command = /^CMD\s+(.*)$/is.exec(i.args)?.[1]?.trim();
          return command !== undefined && !command.startsWith("[");
        })
        .map((i) => ({ line: i.line })),
  },
  {
    code: "DL3044",
    severity: "error",
    summary: "do not use a variable in the same ENV instruction that defines it: it still has its old value there",
    check: ({ dockerfile }) => {
      const defined = new Set<string>();
      const findings: RuleFinding[] = [];
      for (const instruction of dockerfile.instructions) {
        if (instruction.onbuild) continue;
        if (instruction.keyword === "ARG") for (const { key } of keyValuePairs(instruction)) defined.add(key);
        if (instruction.keyword !== "ENV") continue;
        const pairs = keyValuePairs(instruction);
        const references = pairs.some(
          ({ key }, index) =>
            !defined.has(key) &&
            pairs.some(
              ({ value }, other) =>
                other !== index &&
                value !== undefined &&
                (value.includes(`\${${key}}`) || new RegExp(`\\$${key}(?![A-Za-z0-9_])`).test(value)),
            ),
        );
        if (references) findings.push({ line: instruction.line });
        for (const { key } of pairs) defined.add(key);
      }
      return findings;
    },
  },
  {
    code: "DL3057",
    severity: "ignore",
    summary: "the image has no HEALTHCHECK",
    check: ({ dockerfile }) => {
      const final = dockerfile.stages.at(-1);
      if (!final) return [];
      const stagesWithCheck = new Set(ofKeyword(dockerfile, "HEALTHCHECK").map((i) => i.stage));
      let stage: number | undefined = final.index;
      while (stage !== undefined) {
        if (stagesWithCheck.has(stage)) return [];
        const current: number = stage;
        const image: string | undefined = dockerfile.stages[current]?.imageName.toLowerCase();
        stage = dockerfile.stages.find((s) => s.index < current && s.name === image)?.index;
      }
      return [{ line: final.line }];
    },
  },
  {
    code: "DL4000",
    severity: "error",
    summary: 'MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors="…"',
    check: ({ dockerfile }) => ofKeyword(dockerfile, "MAINTAINER").map((i) => ({ line: i.line })),
  },
  {
    code: "DL1001",
    severity: "ignore",
    summary: "an inline ignore pragma hides a finding: fix the Dockerfile instead",
    check: ({ dockerfile }) =>
      dockerfile.comments.filter((comment) => ignorePragma(comment.text) !== undefined).map((comment) => ({ line: comment.line })),
  },
];
