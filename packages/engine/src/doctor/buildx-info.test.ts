import { describe, expect, test } from "vitest";
import { parseBinfmtEntry, parseBuildxInspect, parseBuildxVersion } from "./buildx-info.js";

describe("parseBuildxVersion", () => {
  test.each([
    ["github.com/docker/buildx v0.17.1 257815a6fb95ae4ea8a7d25e4fab0e5bc5a2e6b4", "0.17.1"],
    ["github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3", "0.13.1"],
    ["github.com/docker/buildx 9e4d9b4 9e4d9b4", "9e4d9b4"],
    ["nothing useful", undefined],
  ])("%s → %s", (stdout, expected) => {
    expect(parseBuildxVersion(stdout)).toBe(expected);
  });
});

describe("parseBuildxInspect", () => {
  test("reads name, driver and platforms (dropping the * preference marks)", () => {
    const stdout = [
      "Name:          default",
      "Driver:        docker",
      "Last Activity: 2026-11-22 15:00:00 +0000 UTC",
      "",
      "Nodes:",
      "Name:      default",
      "Endpoint:  default",
      "Status:    running",
      "BuildKit:  v0.13.2",
      "Platforms: linux/amd64, linux/amd64/v2, linux/arm64*, linux/386",
    ].join("\n");
    expect(parseBuildxInspect(stdout)).toEqual({
      name: "default",
      driver: "docker",
      platforms: ["linux/amd64", "linux/amd64/v2", "linux/arm64", "linux/386"],
    });
  });
});

describe("parseBinfmtEntry", () => {
  test.each([
    ["enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0", { enabled: true, fixBinary: true }],
    ["disabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: OC\n", { enabled: false, fixBinary: false }],
  ])("%#", (content, expected) => {
    expect(parseBinfmtEntry(content)).toEqual(expected);
  });
});
