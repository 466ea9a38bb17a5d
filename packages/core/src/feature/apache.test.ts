import { describe, expect, test } from "vitest";
import { alpine } from "../distro/alpine.js";
import { debian } from "../distro/debian.js";
import { DefinitionError } from "../errors.js";
import { apache, type ApacheOptions } from "./apache.js";
import { featureContributionSchema } from "./feature.js";
import { resolveImage } from "../resolve/resolve.js";
import { defineImage } from "../spec/define.js";

const contribution = (feature: ReturnType<typeof apache>, distro = debian) =>
  featureContributionSchema.parse(feature.contribute({ distro, imageName: "web" }));
const script = (c: ReturnType<typeof contribution>) => c.steps.map((step) => step.run).join("\n");

describe("apache feature", () => {
  test("kiln-httpd start is the command; HTTP and HTTPS ports, SIGTERM and the TLS defaults are declared", () => {
    const c = contribution(apache());
    expect(c.cmd).toEqual(["kiln-httpd", "start"]);
    expect(c.ports).toEqual([8080, 8443]);
    expect(c.stopSignal).toBe("SIGTERM");
    expect(c.env).toEqual({
      // By path: kiln-httpd never looks httpd up on PATH, where a BusyBox applet may answer.
      KILN_HTTPD_BINARY: "/usr/sbin/apache2",
      KILN_HTTPD_TLS_PORT: "8443",
      HTTPD_TLS_CERTIFICATES: "/etc/letsencrypt",
      HTTPD_TLS_DOMAIN: "",
    });
    expect(Object.keys(c.runtimeEnv).sort()).toEqual([
      "HTTPD_HSTS_MAX_AGE",
      "HTTPD_TLS_CERTIFICATES",
      "HTTPD_TLS_DOMAIN",
      "HTTPD_TLS_PUBLIC_PORT",
    ]);
    expect(c.files).toEqual([expect.objectContaining({ src: "kiln-httpd", dest: "/usr/local/bin/kiln-httpd", mode: "0755" })]);
    expect(c.tests.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        "with TLS on and no certificate, kiln-httpd refuses with exit 78 and names the file",
        "docker stop ends httpd gracefully",
      ]),
    );
  });

  test("Debian: apache2-bin without its perl tooling, the config apache2 reads by default, and an httpd name for it", () => {
    const c = contribution(apache());
    expect(c.packages).toEqual(["apache2-bin", "media-types"]);
    const text = script(c);
    expect(text).toContain("cat > /etc/apache2/apache2.conf <<'HTTPD'");
    expect(text).toContain("    LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so");
    expect(text).toContain("TypesConfig /etc/mime.types");
    expect(text).toContain("ln -sf /usr/sbin/apache2 /usr/local/bin/httpd");
    expect(text).toContain("chown -R www-data:0 /tmp/kiln-httpd");
    expect(c.healthcheck?.test[0]).toBe("/bin/bash");
  });

  test("Alpine: apache2 with apache2-ssl, every module loaded from /usr/lib/apache2, and no snake-oil key left", () => {
    const c = contribution(apache(), alpine);
    expect(c.packages).toEqual(["apache2", "apache2-ssl"]);
    expect(c.env?.KILN_HTTPD_BINARY).toBe("/usr/sbin/httpd");
    const text = script(c);
    expect(text).toContain("cat > /etc/apache2/httpd.conf <<'HTTPD'");
    expect(text).toContain("    LoadModule mpm_event_module /usr/lib/apache2/mod_mpm_event.so");
    expect(text).toContain("TypesConfig /etc/apache2/mime.types");
    expect(text).not.toContain("/usr/local/bin/httpd");
    expect(text).toContain("chown -R apache:0 /tmp/kiln-httpd");
    expect(text).toContain("rm -f /etc/ssl/apache2/server.key /etc/ssl/apache2/server.pem");
    expect(c.healthcheck?.test).toEqual(["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]);
  });

  test("every module is loaded only when not built in, so one configuration fits both distros", () => {
    const text = script(contribution(apache()));
    const loads = [...text.matchAll(/^ {4}LoadModule (\w+)_module /gm)].map((m) => m[1]);
    expect(loads).toContain("mpm_event");
    for (const name of loads) expect(text).toContain(`<IfModule !${name}_module>\n    LoadModule ${name}_module `);
  });

  test("the configuration serves the root, answers the health path outside it and keeps probes out of the access log", () => {
    const text = script(contribution(apache({ port: 9080, root: "/srv/site", healthPath: "/ready.txt" })));
    expect(text).toContain("Listen 9080");
    expect(text).toContain('DocumentRoot "/srv/site"');
    expect(text).toContain('Alias "/ready.txt" "/usr/share/kiln-httpd/ok"');
    expect(text).toContain('SetEnvIf Request_URI "^/ready\\.txt$" kiln_health_probe');
    expect(text).toContain("CustomLog /proc/self/fd/1 combined env=!kiln_health_probe");
    expect(text).toContain("ErrorLog /proc/self/fd/2");
    expect(text).toContain("SSLProtocol -all +TLSv1.2 +TLSv1.3");
    expect(text).toContain(
      "<VirtualHost *:9080>\n    Include /tmp/kiln-httpd/http.conf\n</VirtualHost>\nInclude /tmp/kiln-httpd/https.conf",
    );
  });

  test("the TLS port, certificate directory and a default domain can be set", () => {
    const c = contribution(apache({ tls: { port: 9443, certificates: "/certs", domain: "example.org" } }));
    expect(c.ports).toEqual([8080, 9443]);
    expect(c.env).toEqual({
      KILN_HTTPD_BINARY: "/usr/sbin/apache2",
      KILN_HTTPD_TLS_PORT: "9443",
      HTTPD_TLS_CERTIFICATES: "/certs",
      HTTPD_TLS_DOMAIN: "example.org",
    });
    expect(c.runtimeEnv.HTTPD_TLS_DOMAIN?.default).toBe("example.org");
  });

  test.each([
    [{ root: "/srv/my site" }, /features\[0\]\.root: expected a plain absolute path/],
    [{ healthPath: 'health"z' }, /features\[0\]\.healthPath: expected a plain absolute path/],
    [{ tls: { certificates: "relative/dir" } }, /features\[0\]\.tls\.certificates: expected a plain absolute path/],
    [{ tls: { domain: "a b.example" } }, /features\[0\]\.tls\.domain: expected a domain name like "example\.org"/],
    [{ port: 8443 }, /features\[0\]\.tls\.port: HTTP and HTTPS on one port/],
    [{ prot: 80 }, /features\[0\]/],
  ])("options that cannot go into httpd's configuration are refused, naming the file and the field: %j", (options, message) => {
    const definition = defineImage({
      name: "web",
      description: "web",
      base: "debian:bookworm",
      features: [apache(options as ApacheOptions)],
      user: "www-data",
    });
    let error: unknown;
    try {
      resolveImage(definition, { file: "images/web/image.ts" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).message).toMatch(/^images\/web\/image\.ts \(feature apache\)/);
    expect((error as DefinitionError).message).toMatch(message);
  });
});
