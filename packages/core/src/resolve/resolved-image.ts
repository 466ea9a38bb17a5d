import type { DistroAdapter } from "../distro/distro.js";
import type { FeatureFile } from "../feature/feature.js";
import type { Platform } from "../spec/platform.js";
import type { AppSpec, ExtraStage, FileSpec, GroupSpec, Healthcheck, RuntimeVariable, Step, UserSpec } from "../spec/schema.js";
import type { Repositories } from "../spec/repository.js";
import type { ImageTest } from "../spec/test-spec.js";

/** Where an image starts: a registry reference, or another image of the workspace. */
export type ResolvedBase =
  | { kind: "reference"; reference: string }
  | { kind: "workspace"; name: string; /** the FROM line's name, mapped by a build context */ reference: string };

/** A build stage; `image` names the workspace image it starts from, which kiln build maps like a base. */
export type ResolvedStage = ExtraStage & { image?: string };

export interface ExposedPort {
  port: number;
  protocol: "tcp" | "udp";
}

/**
 * An image after validation, features and inheritance: everything the Dockerfile synthesizer,
 * the build plan, the tests and the catalog need, and nothing that still needs interpreting.
 */
export interface ResolvedImage {
  name: string;
  description: string;
  license: string;
  base: ResolvedBase;
  /** the registry base is trimmed in a stage and copied into FROM scratch (see ImageData.trimBase) */
  trimBase: boolean;
  distro: DistroAdapter;
  platforms: Platform[];
  features: string[];
  packages: string[];
  buildPackages: string[];
  /** the repositories this image adds (its ancestors' are already in its base's files) */
  repositories: Repositories;
  groups: GroupSpec[];
  users: UserSpec[];
  files: FileSpec[];
  featureFiles: (FeatureFile & { feature: string })[];
  installSteps: Step[];
  configureSteps: Step[];
  env: Record<string, string>;
  /** ARG name → default, declared before the accounts */
  buildArgs: Record<string, string>;
  /** environment for `kiln test` containers only */
  testEnv: Record<string, string>;
  /** variables this image's own scripts and features read at run time (not its parent's) */
  runtimeEnv: Record<string, RuntimeVariable>;
  workdir: string | undefined;
  ports: ExposedPort[];
  volumes: string[];
  healthcheck: Healthcheck | undefined;
  /** undefined: inherited from the parent unchanged, so no ENTRYPOINT line is written */
  entrypoint: string[] | undefined;
  cmd: string[] | undefined;
  stopSignal: string | undefined;
  labels: Record<string, string>;
  /** the user the image runs as, after inheritance ("root" when nothing says otherwise) */
  user: string;
  /** the final user is uid 0, by whichever name (root, 0, root:root, an alias declared with uid 0) */
  runsAsRoot: boolean;
  /** account names that are uid 0 in this image: root, and aliases it or an ancestor declared */
  rootAccounts: string[];
  /** the user the parent image leaves active: install steps need root, so kiln switches back */
  parentUser: string;
  rootReason: string | undefined;
  stages: ResolvedStage[];
  /** the application, copied after everything else */
  app: AppSpec | undefined;
  /** steps run in the application's directory after its code is copied */
  appSteps: Step[];
  tests: ImageTest[];
  /**
   * What the parent image (and its ancestors) bring at run time, for inheritance and the catalog.
   * The fields above are the image's own, because that is what its Dockerfile states; these plus
   * those are what a container of the image has.
   */
  inherited: {
    init: string[] | undefined;
    entrypoint: string[] | undefined;
    cmd: string[] | undefined;
    /** what the ancestors installed (their `packages`), so a child does not install it twice */
    packages: string[];
    env: Record<string, string>;
    ports: ExposedPort[];
    volumes: string[];
    runtimeEnv: Record<string, RuntimeVariable>;
    /** apk tags the ancestors' repositories define, which this image's packages may use */
    apkTags: string[];
  };
  /** the init fragment (e.g. tini) the image's ENTRYPOINT starts with, if any */
  init: string[] | undefined;
  /** what this image and its ancestors put in place; a child's features change only what differs */
  applied: AppliedState;
  /** things a reader of the definition should know that are not errors (a parent's EXPOSE that stays) */
  notes: string[];
}

/** Who did something in the image graph: an image, and the feature of it when a feature did. */
export interface Claimant {
  image: string;
  feature?: string;
}

/**
 * The state an image leaves for its children. A child that re-applies a feature (ssh with another
 * user or port, init with another service) is compared against it: packages, accounts, files and
 * steps already in place are not repeated, and a different claim on one thing is an error naming
 * both sides.
 */
export interface AppliedState {
  /** feature name → the image that applied it last */
  features: Record<string, string>;
  /** installed packages → the image that installed them */
  packages: Record<string, string>;
  groups: Record<string, { spec: GroupSpec; image: string }>;
  users: Record<string, { spec: UserSpec; image: string }>;
  /** a feature's file or step, keyed by its content, already in a parent's layers */
  featureWork: string[];
  /** build arguments → the image that declares them (an ARG's scope ends at the next FROM) */
  buildArgs: Record<string, string>;
  /** "22/tcp" → who exposes it */
  ports: Record<string, Claimant>;
  /** the feature whose init the ENTRYPOINT starts with */
  init: Claimant | undefined;
}
