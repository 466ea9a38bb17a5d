import { existsSync, readFileSync } from "node:fs";
import { engineEndpoint } from "../engine/docker-context.js";
import { engineClient, probeEngine } from "../engine/engine.js";
import { execute } from "@kiln/core";
import { registryBaseUrl } from "@kiln/reference";
import {
  parseBinfmtEntry,
  parseBuilderNodes,
  parseBuildxInspect,
  parseBuildxVersion,
  platformPlacement,
  type BuilderNode,
} from "./buildx-info.js";

export type CheckStatus = "ok" | "warn" | "fail";

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  /** how to fix it, for warn and fail */
  fix?: string;
}

export interface DoctorOptions {
  /** registry to probe, e.g. 127.0.0.1:5000/kiln */
  registry?: string;
  /** one line describing the active mirror profile */
  mirror: string;
  /** platforms the images need; each foreign one needs emulation */
  platforms: string[];
  /** the buildx builder to inspect; undefined for buildx's current builder */
  builder?: string;
}

/** Everything a multi-platform build needs, each with its fix. A "fail" means a build cannot work. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const engine = await probeEngine();
  checks.push(
    engine.reachable
      ? {
          name: "engine",
          status: "ok",
          detail: `Docker Engine ${engine.version} (API ${engine.apiVersion}, ${engine.os}/${engine.arch})${engineWhere()}`,
        }
      : { name: "engine", status: "fail", detail: engine.reason, fix: "start dockerd (on Debian/Ubuntu: scripts/provision-engine.sh)" },
  );

  const version = await execute({ command: "docker", args: ["buildx", "version"] }).catch(() => undefined);
  const buildxVersion = version?.exitCode === 0 ? parseBuildxVersion(version.stdout) : undefined;
  checks.push(
    buildxVersion
      ? { name: "buildx", status: "ok", detail: `docker buildx ${buildxVersion}` }
      : {
          name: "buildx",
          status: "fail",
          detail: "docker buildx is not installed",
          fix: "apt-get install docker-buildx (or scripts/provision-engine.sh)",
        },
  );

  if (engine.reachable && buildxVersion) {
    const inspect = await execute({ command: "docker", args: ["buildx", "inspect", ...(options.builder ? [options.builder] : [])] });
    if (inspect.exitCode !== 0) {
      checks.push({
        name: "builder",
        status: "fail",
        detail: `docker buildx inspect ${options.builder ?? ""}: ${inspect.stderr.trim().split("\n").at(-1) ?? "failed"}`.replace(
          "  ",
          " ",
        ),
        fix: "docker buildx ls lists the builders; create one with docker buildx create --name NAME (see docs/scale.md)",
      });
      return [...checks, ...(await trailingChecks(options))];
    }
    const builder = parseBuildxInspect(inspect.stdout);
    const nodes = parseBuilderNodes(inspect.stdout);
    const containerdStore = await usesContainerdImageStore();
    const multiPlatform = builder.driver !== "docker" || containerdStore;
    checks.push({
      name: "builder",
      status: multiPlatform ? "ok" : "fail",
      detail: `${builder.name ?? "default"} (driver ${builder.driver ?? "unknown"}${builder.driver === "docker" ? `, ${containerdStore ? "containerd" : "classic"} image store` : ""}); platforms ${builder.platforms.join(", ") || "unknown"}`,
      fix: multiPlatform
        ? undefined
        : 'multi-platform builds need the containerd image store: {"features":{"containerd-snapshotter":true}} in /etc/docker/daemon.json, then restart dockerd',
    });
    for (const node of nodes.nodes) checks.push(nodeCheck(node));
    const host = `linux/${engine.arch === "x86_64" ? "amd64" : engine.arch === "aarch64" ? "arm64" : engine.arch}`;
    for (const platform of options.platforms) {
      const placement = platformPlacement(platform, nodes, host);
      if (placement.kind === "native") {
        checks.push({ name: `platform ${platform}`, status: "ok", detail: `native on node ${placement.node}` });
        continue;
      }
      const node = placement.kind === "emulated" ? nodes.nodes.find((n) => n.name === placement.node) : undefined;
      // binfmt_misc can be read only for nodes on this machine's engine; a remote node's list is trusted.
      const local = nodes.driver === "docker" || (node?.endpoint ?? "").startsWith("unix://") || node?.endpoint === "default";
      const check = emulationCheck(platform, local ? builder.platforms : (node?.platforms ?? []), local);
      const where = placement.kind === "emulated" ? `; ${platform} will be emulated (QEMU) on node ${placement.node}` : "";
      checks.push({
        ...check,
        detail: `${check.detail}${where}`,
        fix:
          check.fix &&
          `${check.fix}; or build ${platform} natively: docker buildx create --append --name ${nodes.name ?? "NAME"} --platform ${platform} <endpoint of a ${platform} machine>`,
      });
    }
  }
  return [...checks, ...(await trailingChecks(options))];
}

async function trailingChecks(options: DoctorOptions): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  if (options.registry) checks.push(await registryCheck(options.registry));
  checks.push({ name: "mirror", status: "ok", detail: options.mirror.replace(/^mirror: /, "") });
  return checks;
}

/** One node of the builder: where it is, whether it runs, what it builds. */
function nodeCheck(node: BuilderNode): DoctorCheck {
  const running = node.status === undefined || node.status === "running";
  const preferred = node.preferred.length > 0 ? ` (builds ${node.preferred.join(", ")} here)` : "";
  return {
    name: `node ${node.name}`,
    status: running ? "ok" : "warn",
    detail: `${node.endpoint ?? "?"}, ${node.status ?? "status unknown"}; platforms ${node.platforms.join(", ") || "unknown"}${preferred}`,
    fix: running ? undefined : `start it: docker buildx inspect --bootstrap (buildx also starts it on the first build)`,
  };
}

async function usesContainerdImageStore(): Promise<boolean> {
  try {
    const info = (await (await engineClient()).info()) as { DriverStatus?: [string, string][] };
    return (info.DriverStatus ?? []).some(([key, value]) => key === "driver-type" && value.includes("containerd"));
  } catch {
    return false;
  }
}

const qemuNames: Record<string, string> = {
  "linux/arm64": "qemu-aarch64",
  "linux/amd64": "qemu-x86_64",
  "linux/arm/v7": "qemu-arm",
  "linux/arm/v6": "qemu-arm",
  "linux/ppc64le": "qemu-ppc64le",
  "linux/s390x": "qemu-s390x",
  "linux/riscv64": "qemu-riscv64",
};

function emulationCheck(platform: string, builderPlatforms: string[], local = true): DoctorCheck {
  const name = `emulation ${platform}`;
  const entry = qemuNames[platform];
  const file = entry ? `/proc/sys/fs/binfmt_misc/${entry}` : undefined;
  const fix = `install QEMU user emulation: apt-get install qemu-user-static binfmt-support && update-binfmts --enable ${entry ?? "<handler>"}`;
  if (local && file && existsSync("/proc/sys/fs/binfmt_misc")) {
    if (!existsSync(file)) return { name, status: "fail", detail: `no binfmt handler ${entry} registered`, fix };
    const state = parseBinfmtEntry(readFileSync(file, "utf8"));
    if (!state.enabled) return { name, status: "fail", detail: `binfmt handler ${entry} is disabled`, fix };
    if (!state.fixBinary) {
      return {
        name,
        status: "fail",
        detail: `binfmt handler ${entry} lacks the F flag, so containers cannot use it`,
        fix: "reinstall qemu-user-static (its handlers carry the F flag)",
      };
    }
    return { name, status: "ok", detail: `${entry} registered (flags F)` };
  }
  // Not a Linux host we can see into (Docker Desktop, remote engine): trust the builder's list.
  return builderPlatforms.includes(platform)
    ? { name, status: "ok", detail: `the builder lists ${platform}` }
    : { name, status: "fail", detail: `the builder does not list ${platform}`, fix };
}

async function registryCheck(registry: string): Promise<DoctorCheck> {
  const host = registry.split("/")[0] as string;
  const url = `${registryBaseUrl(host)}/v2/`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    // 401 is fine: the registry is there and wants credentials (docker login).
    if (response.status === 200 || response.status === 401)
      return { name: "registry", status: "ok", detail: `${host} answers (${response.status})` };
    return { name: "registry", status: "fail", detail: `${url} answered ${response.status}`, fix: "check the registry address" };
  } catch (error) {
    return {
      name: "registry",
      status: "fail",
      detail: `${url} is unreachable: ${(error as Error).message}`,
      fix: url.startsWith("http:")
        ? "start the loopback registry (scripts/provision-engine.sh starts one on 127.0.0.1:5000)"
        : "check the address and your network",
    };
  }
}

/** Where the engine is, when it is not the default socket: the host and the context or variable that named it. */
function engineWhere(): string {
  const endpoint = engineEndpoint();
  return endpoint.source === "the default socket" ? "" : ` at ${endpoint.host} (${endpoint.source})`;
}
