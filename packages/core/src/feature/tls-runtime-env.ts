import type { RuntimeVariable } from "../spec/schema.js";

/** What a web server feature's TLS turns on with; the start script reads the same values. */
export interface TlsSettings {
  port: number;
  certificates: string;
  domain: string;
}

/**
 * The run-time variables of a web server's HTTPS, declared alike for nginx (`NGINX_…`) and Apache
 * (`HTTPD_…`): their start scripts read the same four settings under their own prefix.
 */
export function tlsRuntimeEnv(prefix: "NGINX" | "HTTPD", tls: TlsSettings): Record<string, RuntimeVariable> {
  return {
    [`${prefix}_TLS_DOMAIN`]: {
      default: tls.domain || "unset",
      description: `turns HTTPS on for this domain, on port ${tls.port}; plain HTTP then answers 301`,
    },
    [`${prefix}_TLS_CERTIFICATES`]: {
      default: tls.certificates,
      description: "the Let's Encrypt directory holding live/<domain>/fullchain.pem and privkey.pem",
    },
    [`${prefix}_TLS_PUBLIC_PORT`]: {
      default: "443",
      description: "the HTTPS port clients see (behind a port mapping), used in the 301's Location",
    },
    [`${prefix}_HSTS_MAX_AGE`]: { default: "unset", description: "seconds of Strict-Transport-Security; unset sends no HSTS header" },
  };
}
