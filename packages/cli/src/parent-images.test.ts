import { describe, expect, test } from "vitest";
import { runPlatforms, type ImagePlatforms } from "./parent-images.js";

const image = (name: string, platforms: string[]): ImagePlatforms => ({
  pkg: { name },
  resolved: { platforms: platforms as ImagePlatforms["resolved"]["platforms"] },
});
const both = ["linux/amd64", "linux/arm64"];
const parent = image("debian-base", both);
const child = image("debian-nginx", both);
const parentsInRun = new Set(["debian-base"]);

describe("runPlatforms: what each image of a run builds (loaded or pushed)", () => {
  test("a parent built with its child for a foreign platform also gets the engine's, for the child's fetch stage", () => {
    expect(runPlatforms(parent, ["linux/arm64"], parentsInRun, "linux/amd64")).toEqual(["linux/arm64", "linux/amd64"]);
  });

  test("the child itself builds only the platforms asked for", () => {
    expect(runPlatforms(child, ["linux/arm64"], parentsInRun, "linux/amd64")).toEqual(["linux/arm64"]);
  });

  test("a parent not built in this run is not widened (it is checked, not built)", () => {
    expect(runPlatforms(parent, ["linux/arm64"], new Set(), "linux/amd64")).toEqual(["linux/arm64"]);
  });

  test("nothing to add when the engine's platform is asked for, or the parent's definition lacks it", () => {
    expect(runPlatforms(parent, ["linux/amd64"], parentsInRun, "linux/amd64")).toEqual(["linux/amd64"]);
    expect(runPlatforms(image("debian-base", ["linux/arm64"]), ["linux/arm64"], parentsInRun, "linux/amd64")).toEqual(["linux/arm64"]);
  });

  test("a run not narrowed, or with no engine known, keeps what it was given", () => {
    expect(runPlatforms(parent, undefined, parentsInRun, "linux/amd64")).toBeUndefined();
    expect(runPlatforms(parent, ["linux/arm64"], parentsInRun, undefined)).toEqual(["linux/arm64"]);
  });
});
