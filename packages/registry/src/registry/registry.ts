import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { registryBaseUrl, type RepositoryLocation } from "./reference.js";
import { compareCodePoints, ToolError } from "@kiln/core";

const manifestTypes = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/**
 * A small client for the registry HTTP API (distribution spec): which tags exist and what digest a
 * tag points at. Pushing stays with buildx; this only reads. Credentials come from the Docker
 * config (`docker login`), and bearer-token challenges are answered the way the docker CLI does.
 */
export class RegistryClient {
  private token: string | undefined;

  constructor(
    private readonly location: RepositoryLocation,
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

  private async request(pathAndQuery: string, init: RequestInit): Promise<Response> {
    const url = `${registryBaseUrl(this.location.host)}${pathAndQuery}`;
    const attempt = () =>
      this.fetchImpl(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...this.authorization() },
        signal: AbortSignal.timeout(15_000),
      });
    let response = await attempt().catch((error: unknown) => {
      throw new ToolError("KILN_REGISTRY_UNREACHABLE", `registry ${this.location.host} is unreachable: ${(error as Error).message}`, "check the address and that the registry is running (kiln doctor --registry …)");
    });
    const challenge = response.headers.get("www-authenticate");
    if (response.status === 401 && challenge && this.token === undefined) {
      this.token = await this.fetchToken(challenge);
      response = await attempt();
    }
    return response;
  }

  private authorization(): Record<string, string> {
    if (this.token) return { authorization: `Bearer ${this.token}` };
    const basic = dockerConfigAuth(this.location.host);
    return basic ? { authorization: `Basic ${basic}` } : {};
  }

  private async fetchToken(challenge: string): Promise<string | undefined> {
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!/^bearer/i.test(challenge) || !params.realm) return undefined;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", params.scope ?? `repository:${this.location.repository}:pull`);
    const basic = dockerConfigAuth(this.location.host);
    const response = await this.fetchImpl(url, { headers: basic ? { authorization: `Basic ${basic}` } : {}, signal: AbortSignal.timeout(15_000) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { token?: string; access_token?: string };
    return body.token ?? body.access_token;
  }

  private async expectOk(response: Response, what: string): Promise<void> {
    if (response.ok) return;
    throw new ToolError(
      "KILN_REGISTRY_ERROR",
      `registry ${this.location.host}: cannot ${what} of ${this.location.repository}: HTTP ${response.status}`,
      response.status === 401 || response.status === 403 ? `log in first: docker login ${this.location.host}` : "check the registry address",
    );
  }
}

/** RFC 5988 Link header: `</v2/x/tags/list?n=1000&last=y>; rel="next"`. */
export function nextPage(link: string | null): string | undefined {
  return link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
}

/** The base64 user:password `docker login` stored for `host`, if any (credential helpers are not read). */
function dockerConfigAuth(host: string): string | undefined {
  const file = path.join(process.env.DOCKER_CONFIG ?? path.join(homedir(), ".docker"), "config.json");
  if (!existsSync(file)) return undefined;
  try {
    const config = JSON.parse(readFileSync(file, "utf8")) as { auths?: Record<string, { auth?: string }> };
    return config.auths?.[host]?.auth ?? config.auths?.[`https://${host}`]?.auth;
  } catch {
    return undefined;
  }
}
