import { splitImageReference } from "@kiln/reference";
import type { DistroAdapter } from "../distro/distro.js";
import { distroFromReference } from "../distro/select.js";
import { DefinitionError } from "../errors.js";
import type { ExtraStage, UserSpec } from "../spec/schema.js";
import type { ResolvedBase } from "./resolved-image.js";

/**
 * Checks a definition needs after its parts are put together (distro, parent, features): what
 * the schema of one file cannot see, but BuildKit, the package manager or a reader would trip on.
 */

/** Every package argument in the grammar of the distro's package manager. */
export function checkPackageNames(lists: { field: string; packages: string[] }[], distro: DistroAdapter, file: string): void {
  for (const { field, packages } of lists) {
    packages.forEach((name) => {
      if (distro.packageName.pattern.test(name)) return;
      throw new DefinitionError(
        `${file}: ${field}: ${JSON.stringify(name)} is not a ${distro.name} package name`,
        `write one package per entry, like ${distro.packageName.examples}`,
      );
    });
  }
}

/**
 * The names of uid 0: root, and any account declared with uid 0 (or with a build argument whose
 * default is 0) under another name, in this image or an ancestor.
 */
export function rootAccounts(users: UserSpec[], buildArgs: Record<string, string>, inherited: string[]): string[] {
  const uidZero = users.filter((user) => user.uid === 0 || (typeof user.uid === "string" && buildArgs[user.uid.slice(1)]?.trim() === "0"));
  return [...new Set(["root", ...inherited, ...uidZero.map((user) => user.name)])];
}

/** `USER app:0` runs as app; `USER 0`, `USER root:root` or a uid-0 alias run as root. */
export function isRootUser(user: string, roots: string[]): boolean {
  const account = user.split(":")[0] ?? user;
  return account === "0" || roots.includes(account);
}

/**
 * Root by any name needs a reason: a final user that is uid 0, and an account the image declares
 * as root (uid 0 under another name, or root itself redeclared, say with a login shell).
 */
export function checkRoot(
  image: { user: string; ownUser: boolean; users: UserSpec[]; rootReason: string | undefined },
  roots: string[],
  file: string,
): void {
  if (image.rootReason !== undefined) return;
  const declared = image.users.find((user) => user.name === "root" || roots.includes(user.name));
  if (declared) {
    throw new DefinitionError(
      `${file}: users (${declared.name}): ${declared.name === "root" ? "redeclares root" : `declares uid 0 under the name ${declared.name}`}, a second way in as root`,
      'give the account its own uid, or say why the image needs it with rootReason: "…"',
    );
  }
  if (isRootUser(image.user, roots)) {
    const how = image.user === "root" ? "" : ` (${JSON.stringify(image.user)} is uid 0)`;
    throw new DefinitionError(
      `${file}: user: the image would run as root${how}${image.ownUser ? "" : ", inherited from its base"}`,
      'set user to a non-root user declared in users (e.g. user: "app"), or say why it must be root with rootReason: "…"',
    );
  }
}

/** `alpine`, `alpine:latest` and `ghcr.io/x/y` move under the same definition; `alpine:3.22` and digests do not. */
export function floatingTag(reference: string): "untagged" | "latest" | undefined {
  const { tag, digest } = splitImageReference(reference);
  if (digest !== undefined) return undefined;
  if (tag === undefined) return "untagged";
  return tag === "latest" ? "latest" : undefined;
}

/** An untagged or `latest` base or stage is a build that changes by itself (DL3006, DL3007) unless the definition says why. */
export function checkBaseTags(froms: { field: string; reference: string }[], baseTagReason: string | undefined, file: string): void {
  if (baseTagReason !== undefined) return;
  for (const { field, reference } of froms) {
    const floating = floatingTag(reference);
    if (floating === undefined) continue;
    throw new DefinitionError(
      `${file}: ${field}: ${JSON.stringify(reference)} is ${floating === "untagged" ? "untagged (Docker reads it as :latest)" : "tagged latest"}, so the same definition builds a different image whenever it moves`,
      `pin a tag like "alpine:3.22" or a digest, or say why it may float with baseTagReason: "…"`,
    );
  }
}

/**
 * Stage names are what COPY --from and FROM resolve against: two stages of one name, a stage named
 * like the final stage (the image), or one named like kiln's build contexts (kiln-feature-…)
 * would silently read another stage's files.
 */
export function checkStageNames(stages: ExtraStage[], imageName: string, file: string): void {
  const seen = new Set<string>();
  stages.forEach((stage, index) => {
    const field = `stages[${index}].name`;
    const clash = seen.has(stage.name)
      ? "is the name of an earlier stage"
      : stage.name === imageName
        ? "is the image's own name, which its final stage has"
        : stage.name.startsWith("kiln-")
          ? "starts with kiln-, which kiln's own build contexts use"
          : undefined;
    if (clash) {
      throw new DefinitionError(`${file}: ${field}: "${stage.name}" ${clash}`, "give the stage a name of its own");
    }
    seen.add(stage.name);
  });
}

/**
 * `trimBase` copies only the base's files into `FROM scratch`, so kiln must know the rest of the
 * base's config to restate it: it does for the official debian and ubuntu images (PATH and CMD),
 * not for another image that a definition calls debian through `distro`. A workspace parent is
 * refused: its layers are what the family shares, and its own definition can trim its base.
 */
export function checkTrimBase(base: ResolvedBase, distro: DistroAdapter, file: string): void {
  if (base.kind === "workspace") {
    throw new DefinitionError(
      `${file}: trimBase: the base is ${base.name}, an image of this repository; only a base from a registry is trimmed`,
      `remove trimBase here and set trimBase: true in ${base.name}'s definition (the root of the family) instead`,
    );
  }
  if (!distro.baseTrim) {
    throw new DefinitionError(
      `${file}: trimBase: kiln trims Debian and Ubuntu bases (with dpkg's exclude list), and this image is ${distro.name}`,
      "remove trimBase",
    );
  }
  const named = distroFromReference(base.reference);
  if (named !== distro.name) {
    throw new DefinitionError(
      `${file}: trimBase: the base "${base.reference}" is not a ${distro.name} image kiln knows the config of (Env, CMD, labels), which FROM scratch would drop`,
      `build from the official ${distro.name} image (or a mirror of it under the same name), or remove trimBase`,
    );
  }
}
