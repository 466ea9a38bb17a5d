import { createHash } from "node:crypto";
import { dockerConfigAuth } from "./docker-config.js";
import { registryBaseUrl } from "@kiln/reference";
import type { RepositoryLocation } from "./reference.js";
import { compareCodePoints, ToolError } from "@kiln/core";

export const indexMediaTypes = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];
const manifestTypes = [
  ...indexMediaTypes,
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** A manifest as the registry stores it: the exact bytes (the digest is over them) and their type. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

/** The parts of an image manifest or index kiln walks: children, config and layers. */
export interface ManifestContent {
  mediaType?: string;
  manifests?: {
    digest: string;
    mediaType?: string;
    platform?: { os: string; architecture: string; variant?: string };
    annotations?: Record<string, string>;
  }[];
  config?: { digest: string; size: number };
  layers?: { digest: string; size: number; mediaType?: string }[];
  annotations?: Record<string, string>;
}

/**
 * A small client for the registry HTTP API (distribution spec): tags, manifests and blobs of one
 * repository. Builds push through buildx; this reads, copies a pushed image into another
 * repository by digest, and moves tags. Credentials come from the Docker config (`docker login`,
 * DOCKER_CONFIG), sent as basic auth or traded for a bearer token the way the docker CLI does,
 * and never appear in an error or a log line.
 */
export class RegistryClient {
  /** bearer tokens by scope, so a pull token is not reused for a push */
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly location: RepositoryLocation,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Every tag of the repository; an unknown repository has none. */
  async tags(): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `/v2/${this.location.repository}/tags/list?n=1000`;
    while (next) {
      const response = await this.request(next, { method: "GET" });
      if (response.status === 404) return [];
      await this.expectOk(response, "list tags");
      const body = (await response.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      next = nextPage(response.headers.get("link"));
    }
    return tags.sort(compareCodePoints);
  }

  /** The digest `tag` points at, or undefined when the tag does not exist. */
  async digest(tag: string): Promise<string | undefined> {
    const response = await this.request(`/v2/${this.location.repository}/manifests/${tag}`, {
      method: "HEAD",
      headers: { accept: manifestTypes },
    });
    if (response.status === 404) return undefined;
    await this.expectOk(response, `read ${tag}`);
    return response.headers.get("docker-content-digest") ?? undefined;
  }

  /** The manifest at a tag or digest, byte for byte; undefined when it does not exist. */
  async manifest(reference: string): Promise<StoredManifest | undefined> {
    const response = await this.request(`/v2/${this.location.repository}/manifests/${reference}`, {
      method: "GET",
      headers: { accept: manifestTypes },
    });
    if (response.status === 404) return undefined;
    await this.expectOk(response, `read manifest ${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const mediaType =
      response.headers.get("content-type")?.split(";")[0] ?? (JSON.parse(bytes.toString("utf8")) as ManifestContent).mediaType ?? "";
    return { digest, mediaType, bytes };
  }

  /** Stores a manifest under a digest (no tag moves) or a tag (the tag moves to it). */
  async putManifest(reference: string, manifest: StoredManifest): Promise<void> {
    const response = await this.request(`/v2/${this.location.repository}/manifests/${reference}`, {
      method: "PUT",
      headers: { "content-type": manifest.mediaType },
      body: new Uint8Array(manifest.bytes),
    });
    await this.expectOk(response, `store manifest ${reference}`);
    const stored = response.headers.get("docker-content-digest");
    if (stored && stored !== manifest.digest) {
      throw new ToolError(
        "KILN_REGISTRY_DIGEST",
        `registry ${this.location.host} stored ${this.location.repository}@${manifest.digest} as ${stored}`,
        "the registry rewrote the manifest; use a registry that stores manifests as pushed",
      );
    }
  }

  /** Whether a blob is in this repository already. */
  async hasBlob(digest: string): Promise<boolean> {
    const response = await this.request(`/v2/${this.location.repository}/blobs/${digest}`, { method: "HEAD" });
    if (response.status === 404) return false;
    await this.expectOk(response, `read blob ${digest.slice(0, 19)}`);
    return true;
  }

  /**
   * Makes a blob of `source` (same registry) part of this repository: a cross-repository mount,
   * which copies nothing; when the registry declines the mount, the bytes are copied.
   */
  async mountBlob(digest: string, source: RegistryClient): Promise<void> {
    if (await this.hasBlob(digest)) return;
    const query = `mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(source.location.repository)}`;
    const response = await this.request(`/v2/${this.location.repository}/blobs/uploads/?${query}`, { method: "POST" });
    if (response.status === 201) return;
    await this.expectOk(response, `mount blob ${digest.slice(0, 19)}`);
    const upload = response.headers.get("location");
    if (!upload)
      throw new ToolError(
        "KILN_REGISTRY_ERROR",
        `registry ${this.location.host} started an upload without a location`,
        "check the registry",
      );
    const blob = await source.request(`/v2/${source.location.repository}/blobs/${digest}`, { method: "GET" });
    await source.expectOk(blob, `read blob ${digest.slice(0, 19)}`);
    const target = new URL(upload, registryBaseUrl(this.location.host));
    target.searchParams.set("digest", digest);
    const put = await this.request(target.pathname + target.search, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: new Uint8Array(await blob.arrayBuffer()),
    });
    await this.expectOk(put, `upload blob ${digest.slice(0, 19)}`);
  }

  /** Reads a blob whole (configs, small documents). */
  async blob(digest: string): Promise<Buffer> {
    const response = await this.request(`/v2/${this.location.repository}/blobs/${digest}`, { method: "GET" });
    await this.expectOk(response, `read blob ${digest.slice(0, 19)}`);
    return Buffer.from(await response.arrayBuffer());
  }

  private async request(pathAndQuery: string, init: RequestInit): Promise<Response> {
    const url = `${registryBaseUrl(this.location.host)}${pathAndQuery}`;
    const attempt = (scope: string | undefined) =>
      this.fetchImpl(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...this.authorization(scope) },
        signal: AbortSignal.timeout(60_000),
        redirect: "follow",
      }).catch((error: unknown) => {
        throw new ToolError(
          "KILN_REGISTRY_UNREACHABLE",
          `registry ${this.location.host} is unreachable: ${(error as Error).message}`,
          "check the address and that the registry is running (kiln doctor --registry …)",
        );
      });
    const response = await attempt(this.lastScope);
    const challenge = response.headers.get("www-authenticate");
    if (response.status !== 401 || !challenge || !/^bearer/i.test(challenge)) return response;
    const scope = challengeParams(challenge).scope ?? `repository:${this.location.repository}:pull`;
    // A cached token for another scope is reused; the one just refused is fetched again (expired).
    let token = scope === this.lastScope ? undefined : this.tokens.get(scope);
    if (token === undefined) {
      token = await this.fetchToken(challenge, scope);
      if (token === undefined) return response;
      this.tokens.set(scope, token);
    }
    this.lastScope = scope;
    return attempt(scope);
  }

  /** the scope of the token the last request used: most requests need the same one */
  private lastScope: string | undefined;

  private authorization(scope: string | undefined): Record<string, string> {
    const token = scope ? this.tokens.get(scope) : undefined;
    if (token) return { authorization: `Bearer ${token}` };
    const basic = dockerConfigAuth(this.location.host);
    return basic ? { authorization: `Basic ${basic}` } : {};
  }

  private async fetchToken(challenge: string, scope: string): Promise<string | undefined> {
    const params = challengeParams(challenge);
    if (!params.realm) return undefined;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    for (const one of scope.split(" ")) url.searchParams.append("scope", one);
    const basic = dockerConfigAuth(this.location.host);
    const response = await this.fetchImpl(url, {
      headers: basic ? { authorization: `Basic ${basic}` } : {},
      signal: AbortSignal.timeout(15_000),
    }).catch(() => undefined);
    if (!response?.ok) return undefined;
    const body = (await response.json()) as { token?: string; access_token?: string };
    return body.token ?? body.access_token;
  }

  private async expectOk(response: Response, what: string): Promise<void> {
    if (response.ok) return;
    const detail = await response
      .text()
      .then(
        (text) => (JSON.parse(text) as { errors?: { code?: string }[] }).errors?.[0]?.code,
        () => undefined,
      )
      .catch(() => undefined);
    const denied = response.status === 401 || response.status === 403;
    throw new ToolError(
      // 5xx and 429 may pass; withRetries retries these. Denied and not-found do not.
      response.status >= 500 || response.status === 429 ? "KILN_REGISTRY_ERROR" : denied ? "KILN_REGISTRY_DENIED" : "KILN_REGISTRY_REFUSED",
      `registry ${this.location.host}: cannot ${what} of ${this.location.repository}: HTTP ${response.status}${detail ? ` ${detail}` : ""}`,
      denied
        ? `log in first (docker login ${this.location.host}; kiln reads the credentials from $DOCKER_CONFIG/config.json)`
        : "check the registry address",
    );
  }
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
function challengeParams(challenge: string): Record<string, string> {
  return Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
}

/** RFC 5988 Link header: `</v2/x/tags/list?n=1000&last=y>; rel="next"`. */
export function nextPage(link: string | null): string | undefined {
  return link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
}
