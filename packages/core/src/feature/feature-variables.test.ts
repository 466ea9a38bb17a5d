import { expect, test } from "vitest";
import { resolveImage } from "../resolve/resolve.js";
import { defineImage } from "../spec/define.js";
import { undeclaredScriptVariables } from "../testing/script-variables.js";
import { cron } from "./cron.js";
import type { Feature } from "./feature.js";
import { nginx } from "./nginx.js";
import { apache } from "./apache.js";

// A variable a script reads but no feature declares would be missing from every README check and
// from the catalog: a setting users could only find by reading the script.
test.each<[string, Feature]>([
  ["nginx with TLS", nginx({ tls: true })],
  ["cron", cron()],
  ["apache", apache()],
])("every variable the %s scripts read is declared", (_name, feature) => {
  const image = resolveImage(
    defineImage({ name: "x", description: "x", base: "debian:bookworm", features: [feature], user: "root", rootReason: "test" }),
    { file: "images/x/image.ts" },
  );
  expect(image.featureFiles.length).toBeGreaterThan(0);
  expect(undeclaredScriptVariables(image)).toEqual([]);
});
