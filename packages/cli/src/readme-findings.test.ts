import { describe, expect, test } from "vitest";
import { defineFeature, defineImage, resolveImage } from "@kiln/core";
import { readmeFindings } from "./readme-findings.js";

const file = "images/web/README.md";
const keyed = defineFeature("keyed", () => ({
  env: { KILN_KEYED_USER: "app" },
  runtimeEnv: { PUBLIC_KEY: { description: "keys" } },
  ports: [2222],
}));
const image = resolveImage(
  defineImage({
    name: "web",
    description: "web",
    base: "alpine:3.22",
    users: [{ name: "app", uid: "$APP_UID" }],
    user: "app",
    features: [keyed],
    env: { LANG: "C.UTF-8" },
    buildArgs: { APP_UID: "1000" },
    volumes: ["/data"],
  }),
  { file: "images/web/image.ts" },
);
const messages = (readme: string | undefined) => readmeFindings(image, readme, file).map((f) => f.message);

describe("README findings (KL100)", () => {
  test("each variable, build argument, port and volume the README leaves out is one finding, naming the file", () => {
    expect(messages("# web\n\nSet `LANG`.\n")).toEqual([
      "the README does not document the variable PUBLIC_KEY",
      "the README does not document the build argument APP_UID",
      "the README does not document the port 2222",
      "the README does not document the volume /data",
    ]);
    expect(readmeFindings(image, "# web", file)[0]).toMatchObject({
      file,
      code: "KL100",
      severity: "warning",
      fix: expect.stringContaining(file),
    });
  });

  test("a README that names them all has no finding; KILN_* plumbing needs no reader", () => {
    expect(
      messages("| `PUBLIC_KEY` | keys |\n| `LANG` | C.UTF-8 |\nbuild with --build-arg APP_UID=1234\nport 2222, volume `/data`\n"),
    ).toEqual([]);
  });

  test("a name inside a longer one does not count; a path under the volume does", () => {
    expect(messages("PUBLIC_KEY_FILE, LANGUAGE, APP_UID2, 22220, /data/html, /database")).toEqual([
      "the README does not document the variable PUBLIC_KEY",
      "the README does not document the variable LANG",
      "the README does not document the build argument APP_UID",
      "the README does not document the port 2222",
    ]);
  });

  test("an image without a README is one finding saying what to write", () => {
    expect(readmeFindings(image, undefined, file)).toEqual([
      expect.objectContaining({ message: "web has no README.md", fix: expect.stringContaining("environment, ports, volumes") }),
    ]);
  });
});
