import { describe, expect, test } from "vitest";
import { parseDockerfile, runScript } from "./parse.js";

describe("parseDockerfile", () => {
  test("joins continuations, keeps the starting line, drops comments inside continuations", () => {
    const ast = parseDockerfile(["FROM alpine:3.22", "RUN apk add \\", "  # a comment", "    curl \\", "    jq", "USER app"].join("\n"));
    expect(ast.instructions.map((i) => [i.keyword, i.line, i.args])).toEqual([
      ["FROM", 1, "alpine:3.22"],
      ["RUN", 2, "apk add curl jq"],
      ["USER", 6, "app"],
    ]);
  });

  test("reads exec form, flags, stages and the comments above an instruction", () => {
    const ast = parseDockerfile(["FROM golang:1.23 AS Build", "FROM alpine:3.22", "# why", "COPY --from=build --chmod=0755 /out /usr/bin/x", 'CMD ["x", "--serve"]'].join("\n"));
    expect(ast.stages.map((s) => [s.name, s.from, s.line])).toEqual([
      ["build", "golang:1.23", 1],
      [undefined, "alpine:3.22", 2],
    ]);
    const copy = ast.instructions[2];
    expect(copy?.flags).toEqual({ from: "build", chmod: "0755" });
    expect(copy?.comments).toEqual(["why"]);
    expect(copy?.stage).toBe(1);
    expect(ast.instructions[3]?.json).toEqual(["x", "--serve"]);
  });

  test("heredoc bodies belong to their RUN and are the script", () => {
    const ast = parseDockerfile(["FROM debian:12", "RUN <<'EOF'", "set -e", "echo a | tee b", "EOF", "USER app"].join("\n"));
    expect(ast.instructions.map((i) => i.keyword)).toEqual(["FROM", "RUN", "USER"]);
    expect(runScript(ast.instructions[1] as never)).toBe("set -e\necho a | tee b");
    expect(ast.instructions[2]?.line).toBe(6);
  });

  test("the escape directive changes the continuation character", () => {
    const ast = parseDockerfile(["# escape=`", "FROM mcr.example/windows:ltsc", "RUN dir `", "  c:\\"].join("\n"));
    expect(ast.directives.escape).toBe("`");
    expect(ast.instructions[1]?.args).toBe("dir c:\\");
  });

  test("parser directives are only read at the top", () => {
    expect(parseDockerfile("# syntax=docker/dockerfile:1\nFROM a:1").directives).toEqual({ syntax: "docker/dockerfile:1" });
    expect(parseDockerfile("FROM a:1\n# syntax=docker/dockerfile:1").directives).toEqual({});
  });
});
