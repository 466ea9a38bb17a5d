/** A pushed image's coordinates: "127.0.0.1:5000/kiln/debian-nginx" → host + repository path. */
export interface RepositoryLocation {
  host: string;
  repository: string;
}

/** Splits "host[:port]/path/name" (kiln's --registry plus an image name). */
export function repositoryLocation(registry: string, image: string): RepositoryLocation {
  const [host, ...path] = registry.split("/");
  return { host: host as string, repository: [...path, image].join("/") };
}

/** Loopback registries speak plain HTTP (dockerd treats 127.0.0.0/8 as insecure by default). */
export function registryBaseUrl(host: string): string {
  const plain = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${plain ? "http" : "https"}://${host}`;
}
