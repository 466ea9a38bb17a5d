import { describe, expect, test } from "vitest";
import { isHighestStable, versionTags } from "./tags.js";

describe("versionTags", () => {
  test.each<[string, Parameters<typeof versionTags>[0], string[]]>([
    ["stable 1.x gets X.Y.Z, X.Y and X", { version: "1.4.2" }, ["1.4.2", "1.4", "1"]],
    ["0.x gets no bare 0", { version: "0.3.1" }, ["0.3.1", "0.3"]],
    ["latest only when told", { version: "2.0.0", latest: true }, ["2.0.0", "2.0", "2", "latest"]],
    ["prereleases get only their full version", { version: "2.0.0-rc.1", latest: true }, ["2.0.0-rc.1"]],
    ["sha tag from the revision", { version: "1.0.0", revision: "0123456789abcdef" }, ["1.0.0", "1.0", "1", "sha-0123456"]],
  ])("%s", (_name, options, tags) => {
    expect(versionTags(options)).toEqual(tags);
  });

  test("a version that is not semver is a definition error", () => {
    expect(() => versionTags({ version: "latest" })).toThrow(/not a semantic version/);
  });
});

describe("isHighestStable", () => {
  test.each<[string, string[], boolean]>([
    ["1.2.0", ["1.1.0", "1.0.0"], true],
    ["1.2.0", ["1.3.0"], false],
    ["1.2.0", ["2.0.0-rc.1"], true],
    ["2.0.0-rc.1", [], false],
    ["1.0.0", [], true],
  ])("%s among %j → %s", (version, published, expected) => {
    expect(isHighestStable(version, published)).toBe(expected);
  });
});
