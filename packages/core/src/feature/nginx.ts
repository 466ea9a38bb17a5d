import { z } from "zod";
import { defineFeature, type Feature, type FeatureContributionInput } from "./feature.js";
import { featureFilesDirectory } from "./feature-files.js";
import { httpProbe } from "./http-probe.js";
import { serviceHealthcheck } from "./service-healthcheck.js";
import { tlsRuntimeEnv } from "./tls-runtime-env.js";
import { shellQuote } from "../shell/shell-quote.js";
import { absolutePathSchema } from "../spec/grammar.js";
import type { DistroName } from "../spec/schema.js";

/** Where each distro's nginx package keeps what this feature rewrites. */
interface NginxPaths {
  /** directory whose *.conf files nginx includes inside `http {}` */
  siteDir: string;
  mainConfig: string;
  /** dynamic-module snippets the distro's nginx package installs */
  modulesInclude: string;
  /** the account the distro's nginx package creates */
  user: string;
}

const debianFamilyNginx: NginxPaths = {
  siteDir: "/etc/nginx/conf.d",
  mainConfig: "/etc/nginx/nginx.conf",
  modulesInclude: "/etc/nginx/modules-enabled/*.conf",
  user: "www-data",
};

const nginxPaths: Record<DistroName, NginxPaths> = {
  alpine: {
    siteDir: "/etc/nginx/http.d",
    mainConfig: "/etc/nginx/nginx.conf",
    modulesInclude: "/etc/nginx/modules/*.conf",
    user: "nginx",
  },
  debian: debianFamilyNginx,
  ubuntu: debianFamilyNginx,
};

export interface NginxOptions {
  /** unprivileged port the default server listens on */
  port?: number;
  /** document root of the default server; mount your site here */
  root?: string;
  /** a location answering 200 "ok" for liveness/readiness probes and HEALTHCHECK */
  healthPath?: string;
  /**
   * HTTPS support, turned on at run time by NGINX_TLS_DOMAIN (see files/nginx/kiln-nginx-start):
   * certificates from a mounted Let's Encrypt directory, HTTP redirected with 301.
   */
  tls?: boolean | NginxTlsOptions;
}

export interface NginxTlsOptions {
  /** unprivileged port HTTPS listens on */
  port?: number;
  /** the directory holding live/<domain>/fullchain.pem and privkey.pem */
  certificates?: string;
  /** a domain to serve HTTPS for by default; without it, TLS is on only when NGINX_TLS_DOMAIN is set */
  domain?: string;
}

const port = z.number().int().min(1, "ports are 1 to 65535").max(65535, "ports are 1 to 65535");
const nginxOptionsSchema: z.ZodType<NginxOptions> = z.strictObject({
  port: port.optional(),
  // Both are written into nginx's config and the start script: a path by its grammar, no more.
  root: absolutePathSchema.optional(),
  healthPath: absolutePathSchema.optional(),
  tls: z
    .union([
      z.boolean(),
      z.strictObject({
        port: port.optional(),
        certificates: absolutePathSchema.optional(),
        domain: z
          .string()
          .regex(
            /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$|^$/,
            "expected a domain name like example.com",
          )
          .optional(),
      }),
    ])
    .optional(),
});

/** Where the start script writes the run-time configuration; /tmp, so the root can be read-only. */
const generatedDir = "/tmp/kiln-nginx";

/**
 * nginx that serves a directory and passes health checks, as a non-root user.
 *
 * Alpine's package ships an http.d/default.conf that answers 404 to everything, which fails a
 * Kubernetes health check and crash-loops the pod; Debian's default site listens on port 80,
 * which a non-root process cannot bind. This feature replaces both with one server block,
 * moves pid and temp files to /tmp (so the root filesystem can be read-only) and logs to
 * stdout/stderr.
 *
 * @example
 * ```ts
 * features: [nginx({ port: 8080, root: "/data/html", tls: { port: 8443 } })],
 * user: "www-data",
 * ```
 */
export function nginx(options: NginxOptions = {}): Feature {
  return defineFeature("nginx", { schema: nginxOptionsSchema, value: options }, ({ distro }, checked) => {
    const port = checked.port ?? 8080;
    const root = checked.root ?? "/data/html";
    const healthPath = checked.healthPath ?? "/healthz";
    const tlsOptions = checked.tls === true ? {} : checked.tls || undefined;
    const tls = tlsOptions && {
      port: tlsOptions.port ?? 8443,
      certificates: tlsOptions.certificates ?? "/etc/letsencrypt",
      domain: tlsOptions.domain ?? "",
    };
    const paths = nginxPaths[distro.name];
    const contribution: FeatureContributionInput = {
      packages: ["nginx"],
      steps: [
        {
          why: "nginx: our own main config (non-root, logs to stdout/stderr, pid and temp files in /tmp)",
          run: [
            `cat > ${paths.mainConfig} <<'NGINX'`,
            "# Written by kiln's nginx feature. Site configs go in the included directory below.",
            "worker_processes auto;",
            "pid /tmp/nginx.pid;",
            "error_log /dev/stderr warn;",
            `include ${paths.modulesInclude};`,
            "events {",
            "    worker_connections 1024;",
            "}",
            "http {",
            "    include /etc/nginx/mime.types;",
            "    default_type application/octet-stream;",
            "    access_log /dev/stdout;",
            "    sendfile on;",
            "    tcp_nopush on;",
            "    keepalive_timeout 65;",
            "    server_tokens off;",
            "    client_body_temp_path /tmp/nginx-client-body;",
            "    proxy_temp_path /tmp/nginx-proxy;",
            "    fastcgi_temp_path /tmp/nginx-fastcgi;",
            "    uwsgi_temp_path /tmp/nginx-uwsgi;",
            "    scgi_temp_path /tmp/nginx-scgi;",
            `    include ${paths.siteDir}/*.conf;`,
            "}",
            "NGINX",
          ].join("\n"),
        },
        {
          why: "nginx: replace the stock default site (404 on Alpine, port 80 on Debian) with one that serves the document root",
          run: [
            `rm -f ${paths.siteDir}/*.conf /etc/nginx/sites-enabled/default`,
            "cat > /etc/nginx/kiln-health.conf <<'NGINX'",
            `location = ${healthPath} {`,
            "    access_log off;",
            "    default_type text/plain;",
            '    return 200 "ok\\n";',
            "}",
            "NGINX",
            "cat > /etc/nginx/kiln-site.conf <<'NGINX'",
            `root ${root};`,
            "index index.html;",
            "location / {",
            "    try_files $uri $uri/ =404;",
            "}",
            "NGINX",
            `cat > ${paths.siteDir}/default.conf <<'NGINX'`,
            "server {",
            `    listen ${port} default_server;`,
            "    server_name _;",
            "    include /etc/nginx/kiln-health.conf;",
            // With TLS support, what plain HTTP does (serve, or redirect) is decided at start.
            tls ? `    include ${generatedDir}/http-site.conf;` : "    include /etc/nginx/kiln-site.conf;",
            "}",
            ...(tls ? [`include ${generatedDir}/https-server.conf;`] : []),
            "NGINX",
            ...(tls
              ? [
                  "# The HTTP-only configuration until kiln-nginx-start writes the run-time one.",
                  `mkdir -p ${generatedDir}`,
                  `echo 'include /etc/nginx/kiln-site.conf;' > ${generatedDir}/http-site.conf`,
                  `: > ${generatedDir}/https-server.conf`,
                  // Group root too: platforms that run images under an arbitrary uid keep gid 0.
                  `chown -R ${paths.user}:0 ${generatedDir}`,
                  `chmod -R g+w ${generatedDir}`,
                ]
              : []),
          ].join("\n"),
        },
        {
          why: "nginx: a default page unless the image ships its own, and log files that point at the container log",
          run: [
            `mkdir -p ${shellQuote(root)} /var/log/nginx`,
            `[ -e ${shellQuote(`${root}/index.html`)} ] || cat > ${shellQuote(`${root}/index.html`)} <<'HTML'`,
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8"><title>nginx on kiln</title></head>',
            `<body><h1>It works</h1><p>nginx on kiln serves ${root}. Mount your site there.</p></body></html>`,
            "HTML",
            "ln -sf /dev/stdout /var/log/nginx/access.log",
            "ln -sf /dev/stderr /var/log/nginx/error.log",
            "nginx -t -e /dev/stderr",
            "rm -rf /tmp/nginx-* /tmp/nginx.pid",
          ].join("\n"),
        },
      ],
      ports: [port],
      healthcheck: serviceHealthcheck(httpProbe(distro, port, healthPath), 5),
      // SIGQUIT is nginx's graceful shutdown: finish in-flight requests, then exit.
      stopSignal: "SIGQUIT",
      cmd: ["nginx", "-e", "/dev/stderr", "-g", "daemon off;"],
      tests: [
        { kind: "http", name: "GET / answers 200 from the document root", port, path: "/", status: 200 },
        { kind: "http", name: `GET ${healthPath} answers ok`, port, path: healthPath, status: 200, bodyIncludes: ["ok"] },
        { kind: "health", name: "the health status becomes healthy", timeoutSeconds: 60 },
        { kind: "command", name: "the configuration is valid", run: ["nginx", "-t", "-e", "/dev/stderr"] },
        { kind: "stop", name: "docker stop ends nginx gracefully", maxSeconds: 3 },
      ],
    };
    return tls ? withTls(contribution, tls) : contribution;
  });
}

/** What TLS support adds: the start script, the HTTPS port, and the defaults it reads. */
function withTls(contribution: FeatureContributionInput, tls: Required<NginxTlsOptions>): FeatureContributionInput {
  return {
    ...contribution,
    files: [
      {
        contextDir: featureFilesDirectory(import.meta.url, "nginx"),
        src: "kiln-nginx-start",
        dest: "/usr/local/bin/kiln-nginx-start",
        mode: "0755",
      },
    ],
    env: { KILN_NGINX_TLS_PORT: String(tls.port), NGINX_TLS_CERTIFICATES: tls.certificates, NGINX_TLS_DOMAIN: tls.domain },
    runtimeEnv: tlsRuntimeEnv("NGINX", tls),
    ports: [...(contribution.ports ?? []), tls.port],
    cmd: ["kiln-nginx-start"],
    tests: [
      ...(contribution.tests ?? []),
      {
        kind: "command",
        name: "with TLS on and no certificate, the start script refuses with exit 78 and names the file",
        run: ["sh", "-c", "NGINX_TLS_DOMAIN=missing.example NGINX_TLS_CERTIFICATES=/nonexistent kiln-nginx-start 2>&1"],
        exitCode: 78,
        stdoutIncludes: ["/nonexistent/live/missing.example/fullchain.pem does not exist"],
      },
    ],
  };
}
