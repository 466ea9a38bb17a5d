import { describe, expect, test } from "vitest";
import { renderDockerfile } from "../dockerfile/render.js";
import { synthesizeDockerfile } from "../dockerfile/synthesize.js";
import { DefinitionError } from "../errors.js";
import { defineImage, type ImageInput } from "../spec/define.js";
import { resolveImage } from "./resolve.js";

const file = "images/x/image.ts";
const valid: ImageInput = {
  name: "x",
  description: "an image",
  base: "debian:bookworm",
  users: [{ name: "app", uid: 10001 }],
  user: "app",
};

describe("timezone", () => {
  test("sets /etc/localtime and /etc/timezone in a configuration step, after checking the zone file exists", () => {
    const image = resolveImage(defineImage({ ...valid, timezone: "Asia/Shanghai" }), { file });
    const dockerfile = renderDockerfile(synthesizeDockerfile(image, { sourcePath: file }));
    expect(dockerfile).toContain("# timezone: Asia/Shanghai (docker run -e TZ=… still overrides it)");
    expect(dockerfile).toContain("[ -f /usr/share/zoneinfo/Asia/Shanghai ] || {");
    expect(dockerfile).toContain("ln -sf /usr/share/zoneinfo/Asia/Shanghai /etc/localtime\necho Asia/Shanghai > /etc/timezone");
    // The step needs root; the image still ends as its own user.
    expect(dockerfile).toMatch(/USER app\n$/);
  });

  test("installs tzdata unless a parent image (at any depth) already did", () => {
    expect(resolveImage(defineImage({ ...valid, timezone: "UTC" }), { file }).packages).toEqual(["tzdata"]);
    const grandparent = defineImage({ ...valid, name: "g", packages: ["ca-certificates", "tzdata"] });
    const parent = defineImage({ name: "p", description: "p", base: grandparent, packages: ["curl"] });
    const child = resolveImage(defineImage({ name: "c", description: "c", base: parent, timezone: "Europe/Paris" }), { file });
    expect(child.packages).toEqual([]);
    expect(child.inherited.packages).toEqual(["ca-certificates", "tzdata", "curl"]);
    expect(child.configureSteps.map((step) => step.run).join("\n")).toContain("ln -sf /usr/share/zoneinfo/Europe/Paris /etc/localtime");
  });

  test("without timezone nothing is added", () => {
    const image = resolveImage(defineImage(valid), { file });
    expect(image.packages).toEqual([]);
    expect(image.configureSteps).toEqual([]);
  });

  test.each([
    ["Mars/Olympus", /not a time zone of the tz database/],
    ["../../etc/passwd", /expected a time zone name like "Asia\/Shanghai"/],
    ["Asia/Shanghai; rm -rf /", /expected a time zone name like "Asia\/Shanghai"/],
    ["", /expected a time zone name/],
  ])("%j is refused with the file, the field and an example", (timezone, message) => {
    let error: unknown;
    try {
      resolveImage(defineImage({ ...valid, timezone }), { file });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).message).toMatch(/^images\/x\/image\.ts: timezone: /);
    expect((error as DefinitionError).message).toMatch(message);
  });
});
