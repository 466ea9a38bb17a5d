import { describe, expect, test } from "vitest";
import { debian } from "../distro/debian.js";
import { alpine } from "../distro/alpine.js";
import { featureContributionSchema } from "./feature.js";
import { nginx } from "./nginx.js";
import { defaultPnpm, node } from "./node.js";

const contribution = (feature: ReturnType<typeof nginx>, distro = debian) =>
  featureContributionSchema.parse(feature.contribute({ distro, imageName: "web" }));
const script = (c: ReturnType<typeof contribution>) => c.steps.map((step) => step.run).join("\n");

describe("nginx TLS support", () => {
  test("without tls the image runs nginx itself and serves the site on HTTP only", () => {
    const plain = contribution(nginx({ port: 8080 }));
    expect(plain.cmd).toEqual(["nginx", "-e", "/dev/stderr", "-g", "daemon off;"]);
    expect(plain.ports).toEqual([8080]);
    expect(plain.files).toEqual([]);
    expect(script(plain)).toContain("    include /etc/nginx/kiln-site.conf;");
    expect(script(plain)).not.toContain("/tmp/kiln-nginx");
  });

  test("tls: true adds the start script, the HTTPS port and its defaults; plain HTTP is decided at start", () => {
    const tls = contribution(nginx({ port: 8080, tls: true }));
    expect(tls.cmd).toEqual(["kiln-nginx-start"]);
    expect(tls.ports).toEqual([8080, 8443]);
    expect(tls.env).toEqual({ KILN_NGINX_TLS_PORT: "8443", NGINX_TLS_CERTIFICATES: "/etc/letsencrypt", NGINX_TLS_DOMAIN: "" });
    expect(tls.files).toEqual([
      expect.objectContaining({ src: "kiln-nginx-start", dest: "/usr/local/bin/kiln-nginx-start", mode: "0755" }),
    ]);
    expect(script(tls)).toContain("include /tmp/kiln-nginx/http-site.conf;");
    expect(script(tls)).toContain("include /tmp/kiln-nginx/https-server.conf;");
    // The start script, running as the nginx user, must be able to rewrite the generated files.
    expect(script(tls)).toContain("chown -R www-data:0 /tmp/kiln-nginx");
    expect(script(contribution(nginx({ tls: true }), alpine))).toContain("chown -R nginx:0 /tmp/kiln-nginx");
    expect(tls.tests.map((t) => t.name)).toContain(
      "with TLS on and no certificate, the start script refuses with exit 78 and names the file",
    );
  });

  test("the TLS port, certificate directory and a default domain can be set", () => {
    const tls = contribution(nginx({ tls: { port: 9443, certificates: "/certs", domain: "example.org" } }));
    expect(tls.ports).toEqual([8080, 9443]);
    expect(tls.env).toEqual({ KILN_NGINX_TLS_PORT: "9443", NGINX_TLS_CERTIFICATES: "/certs", NGINX_TLS_DOMAIN: "example.org" });
  });
});

describe("node feature", () => {
  test("pnpm comes from KILN_NPM_REGISTRY or the public registry and is checked against the pinned sha512", () => {
    const c = contribution(node());
    expect(c.packages).toEqual(["nodejs"]);
    expect(c.buildArgs).toEqual({ KILN_NPM_REGISTRY: "" });
    expect(script(c)).toContain(`const expected = ${JSON.stringify(defaultPnpm.integrity)};`);
    expect(script(c)).toContain(`/pnpm/-/pnpm-${defaultPnpm.version}.tgz`);
    expect(script(c)).toContain("process.env.KILN_NPM_REGISTRY");
    expect(c.labels).toEqual({ "io.kiln.pnpm.version": defaultPnpm.version });
  });

  test("another pnpm release is pinned by version and integrity together", () => {
    const c = contribution(node({ pnpm: { version: "9.15.0", integrity: "sha512-abc" } }));
    expect(script(c)).toContain("/pnpm/-/pnpm-9.15.0.tgz");
    expect(script(c)).toContain('const expected = "sha512-abc";');
    expect(c.tests.map((t) => t.name)).toContain("pnpm 9.15.0 is on PATH");
  });
});
