import { describe, expect, test } from "vitest";
import { formatFindings, lintDockerfile, lintDockerfileText } from "./lint.js";

const lint = (text: string) => lintDockerfileText(text, { file: "Dockerfile", level: "info" }).map((f) => f.rule);
const tail = "USER app";

describe("each rule finds its problem and passes the clean case", () => {
  test.each<[string, string, string]>([
    ["DL3000", `FROM a:1\nWORKDIR app\n${tail}`, `FROM a:1\nWORKDIR /app\n${tail}`],
    ["DL3002", "FROM a:1\nUSER root", "FROM a:1\n# kiln: runs as root because it manages mounts\nUSER root"],
    ["DL3003", `FROM a:1\nRUN cd /src && make\n${tail}`, `FROM a:1\nWORKDIR /src\nRUN make\n${tail}`],
    ["DL3004", `FROM a:1\nRUN sudo make install\n${tail}`, `FROM a:1\nRUN make install\n${tail}`],
    ["DL3006", `FROM debian\n${tail}`, `FROM debian:12\n${tail}`],
    ["DL3007", `FROM alpine:latest\n${tail}`, `FROM alpine:3.22\n${tail}`],
    ["DL3008", `FROM d:1\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n${tail}`, `FROM d:1\nRUN apt-get install -y --no-install-recommends curl=8.0 && rm -rf /var/lib/apt/lists/*\n${tail}`],
    ["DL3009", `FROM d:1\nRUN apt-get update && apt-get install -y --no-install-recommends curl=8\n${tail}`, `FROM d:1\nRUN apt-get update && apt-get install -y --no-install-recommends curl=8 && rm -rf /var/lib/apt/lists/*\n${tail}`],
    ["DL3014", `FROM d:1\nRUN apt-get install --no-install-recommends curl=8 && rm -rf /var/lib/apt/lists/*\n${tail}`, `FROM d:1\nRUN apt-get install -y --no-install-recommends curl=8 && rm -rf /var/lib/apt/lists/*\n${tail}`],
    ["DL3015", `FROM d:1\nRUN apt-get install -y curl=8 && rm -rf /var/lib/apt/lists/*\n${tail}`, `FROM d:1\nRUN apt-get install -y --no-install-recommends curl=8 && rm -rf /var/lib/apt/lists/*\n${tail}`],
    ["DL3018", `FROM a:1\nRUN apk add --no-cache curl\n${tail}`, `FROM a:1\nRUN apk add --no-cache curl=8.14.1-r1\n${tail}`],
    ["DL3019", `FROM a:1\nRUN apk add curl=8\n${tail}`, `FROM a:1\nRUN apk add --no-cache curl=8\n${tail}`],
    ["DL3020", `FROM a:1\nADD app.conf /etc/\n${tail}`, `FROM a:1\nCOPY app.conf /etc/\n${tail}`],
    ["DL3022", `FROM a:1\nCOPY --from=1 /x /x\n${tail}`, `FROM a:1 AS build\nFROM a:1\nCOPY --from=0 /x /x\n${tail}`],
    ["DL3024", `FROM a:1 AS x\nFROM a:1 AS x\n${tail}`, `FROM a:1 AS x\nFROM a:1 AS y\n${tail}`],
    ["DL3025", `FROM a:1\n${tail}\nCMD nginx -g "daemon off;"`, `FROM a:1\n${tail}\nCMD ["nginx", "-g", "daemon off;"]`],
    ["DL3027", `FROM d:1\nRUN apt list\n${tail}`, `FROM d:1\nRUN apt-cache policy\n${tail}`],
    ["DL3047", `FROM d:1\nRUN wget https://x.example/a\n${tail}`, `FROM d:1\nRUN wget -q https://x.example/a\n${tail}`],
    ["DL3059", `FROM a:1\nRUN a\nRUN b\n${tail}`, `FROM a:1\nRUN a && b\n${tail}`],
    ["DL4000", `FROM a:1\nMAINTAINER me\n${tail}`, `FROM a:1\nLABEL org.opencontainers.image.authors=me\n${tail}`],
    ["DL4003", `FROM a:1\n${tail}\nCMD ["a"]\nCMD ["b"]`, `FROM a:1\n${tail}\nCMD ["b"]`],
    ["DL4004", `FROM a:1\n${tail}\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]`, `FROM a:1\n${tail}\nENTRYPOINT ["b"]`],
    ["DL4006", `FROM a:1\nRUN wget -qO- https://x.example | sh\n${tail}`, `FROM a:1\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nRUN wget -qO- https://x.example | sh\n${tail}`],
    ["KL001", `FROM a:1\nENV API_TOKEN=abc123\n${tail}`, `FROM a:1\nENV API_TOKEN=""\n${tail}`],
    ["KL002", `# syntax=docker/dockerfile:1\nFROM a:1\n${tail}`, `FROM a:1\n${tail}`],
    ["KL003", `FROM a:1\nRUN sed -i 's/x/y/' /etc/apk/repositories\n${tail}`, `FROM a:1 AS build\nRUN sed -i 's/x/y/' /etc/apk/repositories\nFROM a:1\n${tail}`],
  ])("%s", (rule, bad, clean) => {
    expect(lint(bad)).toContain(rule);
    expect(lint(clean)).not.toContain(rule);
  });
});

describe("lintDockerfileText", () => {
  const handWritten = [
    "FROM alpine:latest", // 1: DL3007
    "RUN apk add nginx", // 2: DL3019
    "RUN wget -qO- https://example.org/x | tar -x -C /opt", // 3: DL4006
    'CMD nginx -g "daemon off;"', // 4: DL3025
    "USER root", // 5: DL3002
  ].join("\n");

  test("a hand-written bad Dockerfile: each problem with its rule id and line", () => {
    const findings = lintDockerfileText(handWritten, { file: "bad/Dockerfile" });
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ["DL3007", 1],
      ["DL3019", 2],
      ["DL4006", 3],
      ["DL3025", 4],
      ["DL3002", 5],
    ]);
    expect(findings.every((f) => f.fix.length > 0)).toBe(true);
    expect(formatFindings(findings)).toContain("bad/Dockerfile:2  DL3019 error  apk add keeps the package index in the layer\n    fix: add --no-cache: apk add --no-cache nginx");
    expect(findings.find((f) => f.rule === "DL3025")?.fix).toBe('CMD ["nginx", "-g", "daemon off;"]');
  });

  test("info findings are hidden unless asked for", () => {
    const text = "FROM a:1\nRUN apk add --no-cache curl\nUSER app";
    expect(lintDockerfileText(text, { file: "f" })).toEqual([]);
    expect(lintDockerfileText(text, { file: "f", level: "info" }).map((f) => f.rule)).toEqual(["DL3018"]);
  });

  test("hadolint ignore pragmas, above an instruction and global", () => {
    expect(lintDockerfileText("FROM a:latest\n# hadolint ignore=DL3019\nRUN apk add x\nUSER app", { file: "f" }).map((f) => f.rule)).toEqual(["DL3007"]);
    expect(lintDockerfileText("# hadolint global ignore=DL3007\nFROM a:latest\nUSER app", { file: "f" })).toEqual([]);
  });
});

describe("shellcheck on RUN scripts", () => {
  test("finds an unquoted variable in a RUN script (real shellcheck)", async (context) => {
    const { shellcheckAvailable } = await import("./shellcheck.js");
    if (!(await shellcheckAvailable())) {
      if (process.env.KILN_REQUIRE_SHELLCHECK === "1") throw new Error("KILN_REQUIRE_SHELLCHECK=1 but shellcheck is not installed");
      context.skip("shellcheck is not installed (apt-get install shellcheck)");
    }
    const findings = await lintDockerfile('FROM a:1\nARG FILES="a b"\nRUN rm $FILES\nUSER app', { file: "f" });
    expect(findings.map((f) => [f.rule, f.line])).toContainEqual(["SC2086", 3]);
    const off = await lintDockerfile('FROM a:1\nRUN rm $FILES\nUSER app', { file: "f", shellcheck: "off" });
    expect(off).toEqual([]);
  });
});
