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
