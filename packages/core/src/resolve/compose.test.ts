import { describe, expect, test } from "vitest";
import { DefinitionError } from "../errors.js";
import { defineFeature, type Feature } from "../feature/feature.js";
import { nginx } from "../feature/nginx.js";
import { tini } from "../feature/tini.js";
import { defineImage, type ImageDefinition, type ImageInput } from "../spec/define.js";
import { resolveImage } from "./resolve.js";

const file = "images/child/image.ts";
const base = defineImage({
  name: "base",
  description: "base",
  base: "debian:bookworm",
  packages: ["tzdata"],
  features: [tini()],
  users: [{ name: "app", uid: 10001 }],
  user: "app",
});

/** A stand-in for init(): a package, a group, a file, a step and an init that includes tini. */
function supervisor(services: string[]): Feature {
  return defineFeature("supervisor", () => ({
    packages: ["runit", "tini"],
    groups: [{ name: "docker_env", gid: 8377 }],
    files: [{ contextDir: "/opt/features/supervisor", src: "my_init", dest: "/sbin/my_init", mode: "0755" }],
    steps: [{ run: "mkdir -p /etc/service" }, ...services.map((name) => ({ run: `mkdir -p /etc/service/${name}` }))],
    entrypoint: { role: "init", argv: ["/usr/bin/tini", "--", "/sbin/my_init"], replaces: ["tini"] },
    cmd: [],
  }));
}

/** A stand-in for ssh(): a package, a login user it needs, a port and a health check. */
function server(options: { user?: string; port?: number } = {}): Feature {
  const user = options.user ?? "app";
  const port = options.port ?? 2222;
  return defineFeature("server", () => ({
    packages: ["openssh-server"],
    files: [{ contextDir: "/opt/features/server", src: "start", dest: "/usr/local/bin/start", mode: "0755" }],
    steps: [{ run: `echo 'Port ${port}' > /etc/ssh/sshd_config.d/10.conf\nsed -i 's/^${user}:[^:]*:/${user}:*:/' /etc/shadow` }],
    env: { SERVER_USER: user },
    needsUsers: [user],
    ports: [port],
    cmd: ["/usr/local/bin/start"],
  }));
}

function resolveChild(parent: ImageDefinition, input: Partial<ImageInput>) {
  return resolveImage(defineImage({ name: "child", description: "child", base: parent, ...input }), { file });
}

function errorOf(run: () => unknown): DefinitionError {
  try {
    run();
  } catch (error) {
    if (error instanceof DefinitionError) return error;
    throw error;
  }
  throw new Error("expected a DefinitionError");
}

describe("features compose across the image graph", () => {
  const supervised = defineImage({
    name: "supervised",
    description: "s",
    base,
    features: [supervisor(["cron"])],
    user: "root",
    rootReason: "my_init",
  });
  const served = defineImage({ name: "served", description: "s", base, features: [server()], user: "root", rootReason: "sshd" });

  test("a child knows which features its ancestors applied, and by which image", () => {
    const child = resolveChild(supervised, {});
    expect(child.applied.features).toEqual({ tini: "base", supervisor: "supervised" });
    expect(child.applied.init).toEqual({ image: "supervised", feature: "supervisor" });
    expect(child.applied.packages).toMatchObject({ tzdata: "base", tini: "base", runit: "supervised" });
  });

  test("re-applying a feature in a child adds only the new service: no package install, no groupadd, no repeated file or step", () => {
    const child = resolveChild(supervised, { features: [supervisor(["cron", "web"])] });
    expect(child.packages).toEqual([]);
    expect(child.groups).toEqual([]);
    expect(child.featureFiles).toEqual([]);
    expect(child.configureSteps.map((s) => s.run)).toEqual(["mkdir -p /etc/service/web"]);
    expect(child.entrypoint).toEqual(["/usr/bin/tini", "--", "/sbin/my_init"]);
  });

  test("re-applying with another user and port changes only the step, the variable and the port", () => {
    const child = resolveChild(served, {
      features: [server({ user: "admin", port: 22 })],
      users: [{ name: "admin", uid: 10002, login: true }],
    });
    expect(child.packages).toEqual([]);
    expect(child.featureFiles).toEqual([]);
    expect(child.users.map((u) => u.name)).toEqual(["admin"]);
    expect(child.configureSteps).toHaveLength(1);
    expect(child.configureSteps[0]?.run).toContain("Port 22");
    expect(child.env).toEqual({ SERVER_USER: "admin" });
    expect(child.ports).toEqual([{ port: 22, protocol: "tcp" }]);
    expect(child.notes).toEqual([
      expect.stringMatching(/^served's EXPOSE 2222\/tcp \(server\(\)\) stays: Docker cannot remove an exposed port.*Publish 22\/tcp/),
    ]);
  });

  test("an account a parent created is not created again; the same name with other settings is an error naming the parent", () => {
    expect(resolveChild(supervised, { users: [{ name: "app", uid: 10001 }] }).users).toEqual([]);
    const error = errorOf(() => resolveChild(supervised, { users: [{ name: "app", uid: 2000 }] }));
    expect(error.message).toMatch(/^images\/child\/image\.ts: users: "app" is already created by base with other settings/);
    expect(error.hint).toMatch(/usermod/);
  });

  test("a package a parent installed is never removed as a child's build package", () => {
    const child = resolveChild(base, { buildPackages: ["tzdata", "gcc"] });
    expect(child.buildPackages).toEqual(["gcc"]);
  });

  test("two inits in one image are an error naming both", () => {
    const error = errorOf(() => resolveImage(defineImage({ ...base.input, name: "both", features: [tini(), supervisor([])] }), { file }));
    expect(error.message).toMatch(/features: tini\(\) and supervisor\(\) both start the ENTRYPOINT as its init/);
  });

  test("a child's init may take the place of one it includes, but never drops the parent's init silently", () => {
    expect(resolveChild(base, { features: [supervisor([])], user: "root", rootReason: "my_init" }).init).toEqual([
      "/usr/bin/tini",
      "--",
      "/sbin/my_init",
    ]);
    const error = errorOf(() => resolveChild(supervised, { features: [tini()] }));
    expect(error.message).toMatch(/tini\(\) would replace supervisor\(\), the init supervised starts its ENTRYPOINT with/);
    expect(error.hint).toMatch(/remove tini\(\)/);
  });

  test("two features setting the command are an error unless the image says which", () => {
    const error = errorOf(() => resolveChild(base, { features: [server(), supervisor([])], user: "root", rootReason: "x" }));
    expect(error.message).toMatch(/features: server\(\) and supervisor\(\) both set the command \(CMD\)/);
    expect(
      resolveChild(base, { features: [server(), supervisor([])], user: "root", rootReason: "x", cmd: ["/usr/local/bin/start"] }).cmd,
    ).toEqual(["/usr/local/bin/start"]);
  });

  test("one port claimed by two features, here or across the graph, is an error naming both", () => {
    const here = errorOf(() =>
      resolveChild(base, { features: [server({ port: 8080 }), nginx({ port: 8080 })], user: "root", rootReason: "x", cmd: ["x"] }),
    );
    expect(here.message).toMatch(/ports: 8080\/tcp is claimed by nginx\(\) in child and by server\(\) in child/);
    const across = errorOf(() => resolveChild(served, { features: [nginx({ port: 2222 })], cmd: ["x"] }));
    expect(across.message).toMatch(/ports: 2222\/tcp is claimed by nginx\(\) in child and by server\(\) in served/);
  });

  test("a feature needing a user the definition lacks is an error naming the feature and the user", () => {
    const error = errorOf(() => resolveChild(served, { features: [server({ user: "admin" })] }));
    expect(error.message).toMatch(/features: server\(\) needs the user "admin", which neither this image nor its parents declare/);
    expect(error.hint).toMatch(/users: \[\{ name: "admin"/);
  });

  test("feature options are checked when the definition loads: a misspelt option is an error, not a default", () => {
    const error = errorOf(() => resolveChild(base, { features: [nginx({ prot: 80 } as never)] }));
    expect(error.message).toMatch(/^images\/child\/image\.ts \(feature nginx\): features\[0\]: Unrecognized key: "prot"/);
    const type = errorOf(() => resolveChild(base, { features: [tini({ processGroup: "yes" } as never)] }));
    expect(type.message).toMatch(/features\[0\]\.processGroup: Invalid input: expected boolean/);
  });

  test("a privileged port for a non-root server is refused with the reason; as root, or from 1024 up, it is fine", () => {
    const error = errorOf(() => resolveChild(base, { features: [nginx({ port: 80 })] }));
    expect(error.message).toMatch(/nginx\(\) in child listens on 80, below 1024, but the image runs as app: .*ip_unprivileged_port_start/);
    expect(error.hint).toMatch(/docker run -p 80:8080/);
    expect(resolveChild(base, { features: [nginx({ port: 8080 })] }).ports).toEqual([{ port: 8080, protocol: "tcp" }]);
    expect(resolveChild(served, { features: [server({ port: 22 })] }).ports).toEqual([{ port: 22, protocol: "tcp" }]);
  });

  test("a child that keeps a root parent's user keeps its reason; one that sets root itself gives its own", () => {
    expect(resolveChild(served, {}).rootReason).toBe("sshd");
    expect(errorOf(() => resolveChild(base, { user: "root" })).message).toMatch(/user: the image would run as root/);
  });
});
