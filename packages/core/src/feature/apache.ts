import path from "node:path";
import { z } from "zod";
import { defineFeature, type Feature } from "./feature.js";
import { featureFilesDirectory } from "./feature-files.js";
import { httpProbe } from "./http-probe.js";
import { serviceHealthcheck } from "./service-healthcheck.js";
import { tlsRuntimeEnv } from "./tls-runtime-env.js";
import type { DistroName } from "../spec/schema.js";

/** What each distro's httpd package is called and where it keeps its parts. */
interface ApacheDistroFacts {
  /** httpd with the event MPM, its modules and a MIME types file (plus mod_ssl where it ships apart) */
  packages: string[];
  /** the httpd binary (Debian names it apache2) */
  binary: string;
  /** the configuration file that binary reads when given no -f */
  config: string;
  /** directory of the mod_*.so files */
  modules: string;
  mimeTypes: string;
  /** the account the distro's httpd package creates */
  user: string;
}

const debianFamilyApache: ApacheDistroFacts = {
  // apache2-bin is httpd and its modules (mod_ssl included) without the a2enmod tooling, which
  // would pull in perl; kiln writes the whole configuration itself.
  packages: ["apache2-bin", "media-types"],
  binary: "/usr/sbin/apache2",
  config: "/etc/apache2/apache2.conf",
  modules: "/usr/lib/apache2/modules",
  mimeTypes: "/etc/mime.types",
  user: "www-data",
};

const apacheFacts: Record<DistroName, ApacheDistroFacts> = {
  alpine: {
    packages: ["apache2", "apache2-ssl"],
    binary: "/usr/sbin/httpd",
    config: "/etc/apache2/httpd.conf",
    modules: "/usr/lib/apache2",
    mimeTypes: "/etc/apache2/mime.types",
    user: "apache",
  },
  debian: debianFamilyApache,
  ubuntu: debianFamilyApache,
};

export interface ApacheOptions {
  /** unprivileged port plain HTTP listens on */
  port?: number;
  /** document root; mount your site here */
  root?: string;
  /** a path answering 200 "ok" for liveness/readiness probes and HEALTHCHECK */
  healthPath?: string;
  /** HTTPS, turned on at run time by HTTPD_TLS_DOMAIN (see files/apache/kiln-httpd) */
  tls?: ApacheTlsOptions;
}

export interface ApacheTlsOptions {
  /** unprivileged port HTTPS listens on */
  port?: number;
  /** the directory holding live/<domain>/fullchain.pem and privkey.pem */
  certificates?: string;
  /** a domain to serve HTTPS for by default; without it, TLS is on only when HTTPD_TLS_DOMAIN is set */
  domain?: string;
}

/** Where kiln-httpd writes the run-time configuration and httpd its pid: /tmp, so the root can be read-only. */
const runtimeDir = "/tmp/kiln-httpd";
/** The health path's answer lives outside the document root, so a mounted site cannot hide it. */
const healthDir = "/usr/share/kiln-httpd";

/** Modules the configuration uses. Each is loaded unless built in: Debian compiles some in, Alpine none. */
const modules = [
  "mpm_event",
  "unixd",
  "authz_core",
  "mime",
  "dir",
  "alias",
  "log_config",
  "setenvif",
  "rewrite",
  "headers",
  "socache_shmcb",
  "ssl",
];

const portNumber = z.number().int().min(1, "ports are 1 to 65535").max(65535, "ports are 1 to 65535");
/** Paths end up inside httpd's configuration, quoted: keep them to characters that need no escaping. */
const plainPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._/-]*$/, "expected a plain absolute path (letters, digits and . _ - /): httpd's configuration holds it as is");
const apacheOptionsSchema: z.ZodType<ApacheOptions> = z
  .strictObject({
    port: portNumber.optional(),
    root: plainPath.optional(),
    healthPath: plainPath.optional(),
    tls: z
      .strictObject({
        port: portNumber.optional(),
        certificates: plainPath.optional(),
        domain: z
          .string()
          .regex(/^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/, 'expected a domain name like "example.org"')
          .optional(),
      })
      .optional(),
  })
  .refine((o) => (o.port ?? 8080) !== (o.tls?.port ?? 8443), {
    message: "HTTP and HTTPS on one port: give HTTPS its own (the default is 8443)",
    path: ["tls", "port"],
  });

/**
 * Apache httpd that serves a directory and passes health checks, as a non-root user, with HTTPS
 * from a mounted Let's Encrypt directory when HTTPD_TLS_DOMAIN is set.
 *
 * The distros' stock configurations assume root (port 80, `User` switching, logs under
 * /var/log), and Debian's needs apache2ctl's environment to parse at all. This feature writes the
 * whole configuration itself, to the file the distro's httpd reads by default (so a bare
 * `httpd -t` checks it): the event MPM, logs to stdout/stderr, pid and runtime files in /tmp,
 * no directory listings. `kiln-httpd start` is the command; `kiln-httpd reload` is the graceful
 * reload after a certificate renewal.
 */
export function apache(options: ApacheOptions = {}): Feature {
  return defineFeature("apache", { schema: apacheOptionsSchema, value: options }, ({ distro }, checked) => {
    const port = checked.port ?? 8080;
    const root = checked.root ?? "/data/html";
    const healthPath = checked.healthPath ?? "/healthz";
    const tls = {
      port: checked.tls?.port ?? 8443,
      certificates: checked.tls?.certificates ?? "/etc/letsencrypt",
      domain: checked.tls?.domain ?? "",
    };
    const paths = apacheFacts[distro.name];
    // The health path as a regular expression: SetEnvIf marks it, so the log and the redirect leave it out.
    const healthPattern = `^${healthPath.replace(/[.]/g, "\\.")}$`;
    const configuration = [
      "# Written by kiln's apache feature: the whole configuration, none of the package's.",
      ...modules.flatMap((name) => [
        `<IfModule !${name}_module>`,
        `    LoadModule ${name}_module ${paths.modules}/mod_${name}.so`,
        "</IfModule>",
      ]),
      // UseCanonicalName Off (the default) keeps self-referential URLs on the Host the client used.
      "ServerName localhost",
      "ServerTokens Prod",
      "ServerSignature Off",
      "TraceEnable Off",
      `Listen ${port}`,
      `PidFile ${runtimeDir}/httpd.pid`,
      `DefaultRuntimeDir ${runtimeDir}`,
      // Under docker stop's 10 s: requests in flight get 8 s to finish, then httpd exits by itself.
      "GracefulShutdownTimeout 8",
      "ErrorLog /proc/self/fd/2",
      "LogLevel warn",
      'LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined',
      `SetEnvIf Request_URI "${healthPattern}" kiln_health_probe`,
      "CustomLog /proc/self/fd/1 combined env=!kiln_health_probe",
      `TypesConfig ${paths.mimeTypes}`,
      `DocumentRoot "${root}"`,
      "DirectoryIndex index.html",
      "<Directory />",
      "    AllowOverride None",
      "    Require all denied",
      "</Directory>",
      `<Directory "${root}">`,
      "    Options FollowSymLinks",
      "    AllowOverride None",
      "    Require all granted",
      "</Directory>",
      '<Files ".ht*">',
      "    Require all denied",
      "</Files>",
      // Mozilla's "intermediate" profile: TLS 1.2 and 1.3 only, forward-secret AEAD ciphers.
      "SSLProtocol -all +TLSv1.2 +TLSv1.3",
      "SSLCipherSuite ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
      "SSLHonorCipherOrder Off",
      "SSLSessionTickets Off",
      `SSLSessionCache "shmcb:${runtimeDir}/tls-sessions(512000)"`,
      `Alias "${healthPath}" "${healthDir}/ok"`,
      `<Directory "${healthDir}">`,
      "    Require all granted",
      "    ForceType text/plain",
      "</Directory>",
      "# kiln-httpd start writes these two: plain HTTP serves or redirects; HTTPS is on or absent.",
      `<VirtualHost *:${port}>`,
      `    Include ${runtimeDir}/http.conf`,
      "</VirtualHost>",
      `Include ${runtimeDir}/https.conf`,
    ];
    const ownsBinaryName = paths.binary.endsWith("/httpd");
    return {
      packages: paths.packages,
      files: [
        {
          contextDir: featureFilesDirectory(import.meta.url, "apache"),
          src: "kiln-httpd",
          dest: "/usr/local/bin/kiln-httpd",
          mode: "0755",
        },
      ],
      steps: [
        {
          why: "apache: our own configuration (non-root, event MPM, logs to stdout/stderr, pid and runtime files in /tmp)",
          run: [
            `mkdir -p ${path.posix.dirname(paths.config)}`,
            `cat > ${paths.config} <<'HTTPD'`,
            ...configuration,
            "HTTPD",
            // One name on every distro, for kiln-httpd and for people: Debian calls the binary apache2.
            ...(ownsBinaryName ? [] : [`ln -sf ${paths.binary} /usr/local/bin/httpd`]),
          ].join("\n"),
        },
        {
          why: "apache: the health answer, a default page unless the image ships its own, and the HTTP-only run-time files",
          run: [
            `mkdir -p ${healthDir} ${root} ${runtimeDir}`,
            `echo ok > ${healthDir}/ok`,
            `[ -e ${root}/index.html ] || cat > ${root}/index.html <<'HTML'`,
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8"><title>Apache httpd on kiln</title></head>',
            `<body><h1>It works</h1><p>Apache httpd on kiln serves ${root}. Mount your site there.</p></body></html>`,
            "HTML",
            `: > ${runtimeDir}/http.conf`,
            `: > ${runtimeDir}/https.conf`,
            // Group root too: platforms that run images under an arbitrary uid keep gid 0.
            `chown -R ${paths.user}:0 ${runtimeDir}`,
            `chmod -R g+w ${runtimeDir}`,
            // Alpine's apache2-ssl generates a self-signed key pair on install; no private key ships in an image.
            "rm -f /etc/ssl/apache2/server.key /etc/ssl/apache2/server.pem",
            `${paths.binary} -t`,
          ].join("\n"),
        },
      ],
      // kiln-httpd runs httpd by this path, never by PATH lookup: a BusyBox built to prefer its
      // applets (Debian's busybox-static) runs its own httpd applet for a bare `httpd`.
      env: {
        KILN_HTTPD_BINARY: paths.binary,
        KILN_HTTPD_TLS_PORT: String(tls.port),
        HTTPD_TLS_CERTIFICATES: tls.certificates,
        HTTPD_TLS_DOMAIN: tls.domain,
      },
      runtimeEnv: tlsRuntimeEnv("HTTPD", tls),
      ports: [port, tls.port],
      healthcheck: serviceHealthcheck(httpProbe(distro, port, healthPath), 5),
      // What docker stop and Kubernetes send; kiln-httpd turns it into httpd's graceful stop (SIGWINCH).
      stopSignal: "SIGTERM",
      cmd: ["kiln-httpd", "start"],
      tests: [
        { kind: "http", name: "GET / answers 200 from the document root", port, path: "/", status: 200 },
        { kind: "http", name: `GET ${healthPath} answers ok`, port, path: healthPath, status: 200, bodyIncludes: ["ok"] },
        { kind: "health", name: "the health status becomes healthy", timeoutSeconds: 60 },
        { kind: "command", name: "the configuration is valid", run: [paths.binary, "-t"] },
        {
          kind: "command",
          name: "httpd's parent process does not run as root",
          run: ["sh", "-c", `grep '^Uid:' /proc/"$(cat ${runtimeDir}/httpd.pid)"/status`],
          stdoutMatches: "^Uid:\\s+[1-9]",
        },
        { kind: "command", name: "kiln-httpd reload asks for a graceful restart and httpd stays up", run: ["kiln-httpd", "reload"] },
        {
          kind: "command",
          name: "with TLS on and no certificate, kiln-httpd refuses with exit 78 and names the file",
          run: ["sh", "-c", "HTTPD_TLS_DOMAIN=missing.example HTTPD_TLS_CERTIFICATES=/nonexistent kiln-httpd start 2>&1"],
          exitCode: 78,
          stdoutIncludes: ["/nonexistent/live/missing.example/fullchain.pem does not exist"],
        },
        { kind: "stop", name: "docker stop ends httpd gracefully", maxSeconds: 3 },
      ],
    };
  });
}
