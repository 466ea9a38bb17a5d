import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { distroPackages, npmPackage, type SbomInput } from "./sbom.js";
import { spdxDocument } from "./spdx.js";

const digest = `sha256:${"b".repeat(64)}`;
const status = (name: string, version: string) =>
  `Package: ${name}\nStatus: install ok installed\nArchitecture: arm64\nVersion: ${version}\n\n`;
const input = (database: string, extra = [npmPackage("pnpm", "10.34.8", "contains")]): SbomInput => ({
  image: "debian-nginx",
  version: "1.0.0",
  platform: "linux/arm64",
  repository: "127.0.0.1:5000/kiln/debian-nginx",
  digest,
  createdEpoch: 1700000000,
  packages: [...distroPackages("debian", database, "ID=debian\nVERSION_ID=12\n"), ...extra],
});

/**
 * What SPDX 2.3 requires of the parts kiln writes (spec clauses 6 to 11), and the values it
 * allows where kiln uses a list: written for these tests from the specification's text.
 */
const spdx23 = {
  type: "object",
  required: ["spdxVersion", "dataLicense", "SPDXID", "name", "documentNamespace", "creationInfo"],
  properties: {
    spdxVersion: { const: "SPDX-2.3" },
    dataLicense: { const: "CC0-1.0" },
    SPDXID: { const: "SPDXRef-DOCUMENT" },
    name: { type: "string", minLength: 1 },
    documentNamespace: { type: "string", format: "uri", pattern: "^[^#]+$" },
    creationInfo: {
      type: "object",
      required: ["created", "creators"],
      properties: {
        created: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$" },
        creators: { type: "array", minItems: 1, items: { type: "string", pattern: "^(Tool|Organization|Person): .+" } },
      },
    },
    documentDescribes: { type: "array", items: { $ref: "#/$defs/id" } },
    packages: {
      type: "array",
      items: {
        type: "object",
        required: ["SPDXID", "name", "downloadLocation"],
        properties: {
          SPDXID: { $ref: "#/$defs/id" },
          name: { type: "string", minLength: 1 },
          versionInfo: { type: "string" },
          downloadLocation: { type: "string", minLength: 1 },
          // filesAnalyzed true would require packageVerificationCode; kiln lists no files.
          filesAnalyzed: { const: false },
          sourceInfo: { type: "string" },
          primaryPackagePurpose: {
            enum: [
              "APPLICATION",
              "FRAMEWORK",
              "LIBRARY",
              "CONTAINER",
              "OPERATING-SYSTEM",
              "DEVICE",
              "FIRMWARE",
              "SOURCE",
              "ARCHIVE",
              "FILE",
              "INSTALL",
              "OTHER",
            ],
          },
          checksums: {
            type: "array",
            items: {
              type: "object",
              required: ["algorithm", "checksumValue"],
              properties: {
                algorithm: { enum: ["SHA1", "SHA256", "SHA384", "SHA512", "MD5"] },
                checksumValue: { type: "string", pattern: "^[0-9a-f]+$" },
              },
            },
          },
          externalRefs: {
            type: "array",
            items: {
              type: "object",
              required: ["referenceCategory", "referenceType", "referenceLocator"],
              properties: {
                referenceCategory: { enum: ["SECURITY", "PACKAGE-MANAGER", "PERSISTENT-ID", "OTHER"] },
                referenceType: { type: "string" },
                referenceLocator: { type: "string", pattern: "^pkg:[a-z]+/" },
              },
            },
          },
        },
      },
    },
    relationships: {
      type: "array",
      items: {
        type: "object",
        required: ["spdxElementId", "relationshipType", "relatedSpdxElement"],
        properties: {
          spdxElementId: { $ref: "#/$defs/id" },
          relatedSpdxElement: { $ref: "#/$defs/id" },
          relationshipType: {
            enum: [
              "DESCRIBES",
              "CONTAINS",
              "DEPENDS_ON",
              "BUILD_DEPENDENCY_OF",
              "BUILD_TOOL_OF",
              "DEV_DEPENDENCY_OF",
              "RUNTIME_DEPENDENCY_OF",
            ],
          },
        },
      },
    },
  },
  $defs: { id: { type: "string", pattern: "^SPDXRef-[A-Za-z0-9.-]+$" } },
};

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormats as unknown as (ajv: Ajv) => void)(ajv);
const validateSpdx = ajv.compile(spdx23);

type Document = {
  documentNamespace: string;
  creationInfo: { created: string };
  packages: {
    SPDXID: string;
    name: string;
    versionInfo: string;
    primaryPackagePurpose?: string;
    checksums?: unknown[];
    sourceInfo?: string;
    externalRefs: { referenceLocator: string }[];
  }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
};

describe("SPDX 2.3 SBOM from a package list", () => {
  const hexo = npmPackage("hexo", "7.3.0", "build-dependency", {
    hashes: [{ algorithm: "SHA-512", hex: "ab".repeat(64) }],
    source: "site/pnpm-lock.yaml",
  });
  const document = spdxDocument(
    input(status("nginx", "1.22.1-9+deb12u2") + status("libc6", "2.36-9+deb12u10"), [
      hexo,
      npmPackage("pnpm", "10.34.8", "build-tool"),
      npmPackage("@types/node", "20.1.0", "contains", { source: "/opt/app/node_modules/@types/node" }),
    ]),
  ) as unknown as Document;

  test("has every field SPDX 2.3 requires, with values it allows", () => {
    expect(validateSpdx(document), JSON.stringify(validateSpdx.errors)).toBe(true);
  });

  test("the schema check fails a document that lacks a required field or uses an unknown relationship", () => {
    const { documentNamespace: _, ...withoutNamespace } = document;
    expect(validateSpdx(withoutNamespace)).toBe(false);
    const wrongRelationship = {
      ...document,
      relationships: [{ spdxElementId: "SPDXRef-Image", relationshipType: "SHIPS", relatedSpdxElement: "SPDXRef-DOCUMENT" }],
    };
    expect(validateSpdx(wrongRelationship)).toBe(false);
  });

  test("is about the platform image, created at SOURCE_DATE_EPOCH", () => {
    expect(document.documentNamespace).toBe(`https://spdx.org/spdxdocs/kiln/127.0.0.1:5000/kiln/debian-nginx/${digest}`);
    expect(document.creationInfo.created).toBe("2023-11-14T22:13:20Z");
    expect(document.packages[0]).toMatchObject({ name: "debian-nginx", versionInfo: "1.0.0", primaryPackagePurpose: "CONTAINER" });
    expect(document.packages[0]?.externalRefs[0]?.referenceLocator).toBe(
      `pkg:oci/debian-nginx@sha256:${"b".repeat(64)}?arch=arm64&repository_url=127.0.0.1%3A5000%2Fkiln%2Fdebian-nginx&tag=1.0.0`,
    );
  });

  test("lists each dpkg package with its Debian version and purl, and the npm packages, sorted", () => {
    const listed = document.packages.slice(1).map((pkg) => [pkg.name, pkg.versionInfo, pkg.externalRefs[0]?.referenceLocator]);
    expect(listed).toEqual([
      ["@types/node", "20.1.0", "pkg:npm/%40types/node@20.1.0"],
      ["hexo", "7.3.0", "pkg:npm/hexo@7.3.0"],
      ["libc6", "2.36-9+deb12u10", "pkg:deb/debian/libc6@2.36-9+deb12u10?arch=arm64&distro=debian-12"],
      ["nginx", "1.22.1-9+deb12u2", "pkg:deb/debian/nginx@1.22.1-9+deb12u2?arch=arm64&distro=debian-12"],
      ["pnpm", "10.34.8", "pkg:npm/pnpm@10.34.8"],
    ]);
    expect(document.packages.find((p) => p.name === "hexo")).toMatchObject({
      checksums: [{ algorithm: "SHA512", checksumValue: "ab".repeat(64) }],
      sourceInfo: "found by kiln at site/pnpm-lock.yaml",
    });
  });

  test("relationships: the image CONTAINS what ships; a build stage's packages are BUILD_DEPENDENCY_OF it, pnpm BUILD_TOOL_OF it", () => {
    const idOf = (name: string) => document.packages.find((p) => p.name === name)?.SPDXID;
    const about = (name: string) =>
      document.relationships.find((r) => r.spdxElementId === idOf(name) || r.relatedSpdxElement === idOf(name));
    expect(about("nginx")).toEqual({ spdxElementId: "SPDXRef-Image", relationshipType: "CONTAINS", relatedSpdxElement: idOf("nginx") });
    expect(about("@types/node")?.relationshipType).toBe("CONTAINS");
    expect(about("hexo")).toEqual({
      spdxElementId: idOf("hexo"),
      relationshipType: "BUILD_DEPENDENCY_OF",
      relatedSpdxElement: "SPDXRef-Image",
    });
    expect(about("pnpm")).toEqual({ spdxElementId: idOf("pnpm"), relationshipType: "BUILD_TOOL_OF", relatedSpdxElement: "SPDXRef-Image" });
  });

  test("the document describes the image; SPDX ids are unique and every relationship names ids the document has", () => {
    const ids = document.packages.map((pkg) => pkg.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.relationships[0]).toEqual({
      spdxElementId: "SPDXRef-DOCUMENT",
      relationshipType: "DESCRIBES",
      relatedSpdxElement: "SPDXRef-Image",
    });
    for (const r of document.relationships) {
      expect([...ids, "SPDXRef-DOCUMENT"]).toContain(r.spdxElementId);
      expect(ids).toContain(r.relatedSpdxElement);
    }
    expect(document.relationships).toHaveLength(ids.length);
  });

  test("the same input renders the same bytes", () => {
    expect(JSON.stringify(spdxDocument(input(status("b", "1") + status("a", "2"))))).toBe(
      JSON.stringify(spdxDocument(input(status("a", "2") + status("b", "1")))),
    );
  });
});
