import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { describe, expect, test } from "vitest";
import { cyclonedxDocument } from "./cyclonedx.js";
import { distroPackages, npmPackage, type SbomInput } from "./sbom.js";

const digest = `sha256:${"c".repeat(64)}`;
const input: SbomInput = {
  image: "blog",
  version: "0.2.0",
  platform: "linux/amd64",
  repository: "127.0.0.1:5000/kiln/blog",
  digest,
  createdEpoch: 1700000000,
  packages: [
    ...distroPackages(
      "debian",
      "Package: apache2\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.4.62-1~deb12u2\n",
      "ID=debian\nVERSION_ID=12\n",
    ),
    npmPackage("hexo", "7.3.0", "build-dependency", {
      hashes: [{ algorithm: "SHA-512", hex: "ab".repeat(64) }],
      source: "site/pnpm-lock.yaml",
    }),
    npmPackage("pnpm", "10.34.8", "build-tool"),
    npmPackage("@types/node", "20.1.0", "contains", { source: "/opt/app/node_modules/@types/node" }),
  ],
};

type Bom = {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; component: { type: string; name: string; "bom-ref": string } };
  components: {
    name: string;
    scope: string;
    purl: string;
    "bom-ref": string;
    hashes?: { alg: string; content: string }[];
    properties?: { name: string; value: string }[];
  }[];
  dependencies: { ref: string; dependsOn?: string[] }[];
};

describe("CycloneDX 1.6 SBOM from the same package list", () => {
  const json = cyclonedxDocument(input);
  const bom = JSON.parse(json) as Bom;

  test("validates against CycloneDX 1.6's own JSON schema (strict), as the library ships it", async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(json)).toBeNull();
  });

  test("the schema check can fail: a component without a name, or an unknown scope", async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    const broken = { ...bom, components: [{ ...bom.components[0], name: undefined, scope: "build" }] };
    expect(await validator.validate(JSON.stringify(broken))).not.toBeNull();
  });

  test("the image is the metadata component; the serial number and timestamp are the same for the same digest", () => {
    expect(bom.specVersion).toBe("1.6");
    expect(bom.metadata.component).toMatchObject({ type: "container", name: "blog" });
    expect(bom.metadata.timestamp).toBe("2023-11-14T22:13:20.000Z");
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(cyclonedxDocument(input)).toBe(json);
    expect(JSON.parse(cyclonedxDocument({ ...input, digest: `sha256:${"d".repeat(64)}` })).serialNumber).not.toBe(bom.serialNumber);
  });

  test("shipped packages are required and the image depends on them; build-stage packages are excluded and say why", () => {
    const scope = Object.fromEntries(bom.components.map((c) => [c.name, c.scope]));
    expect(scope).toEqual({ "@types/node": "required", apache2: "required", hexo: "excluded", pnpm: "excluded" });
    const image = bom.dependencies.find((d) => d.ref === bom.metadata.component["bom-ref"]);
    expect(image?.dependsOn?.sort()).toEqual([
      "pkg:deb/debian/apache2@2.4.62-1~deb12u2?arch=amd64&distro=debian-12",
      "pkg:npm/%40types/node@20.1.0",
    ]);
    const hexo = bom.components.find((c) => c.name === "hexo");
    expect(hexo?.properties).toEqual([
      { name: "kiln:relationship", value: "build-dependency" },
      { name: "kiln:source", value: "site/pnpm-lock.yaml" },
    ]);
    expect(hexo?.hashes).toEqual([{ alg: "SHA-512", content: "ab".repeat(64) }]);
  });
});
