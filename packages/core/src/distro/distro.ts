import type { Repositories } from "../spec/repository.js";
import type { DistroName, GroupSpec, UserSpec } from "../spec/schema.js";

/**
 * What differs between distributions themselves (package manager, shell, accounts, base paths)
 * lives behind this interface, so the Dockerfile synthesizer never branches on the distro name.
 * A feature's own service facts (nginx's or sshd's paths and package names) live in that feature,
 * in a table by distro name.
 */
export interface DistroAdapter {
  readonly name: DistroName;
  /** SHELL for every RUN: errexit and pipefail, so a failing command or pipe fails the build */
  readonly shell: string[];
  /** the mirror build args (see @kiln/mirror) this distro's install script reads */
  readonly mirrorArgs: string[];
  readonly paths: DistroPaths;
  /** names of packages that differ between distros, by the role they play */
  readonly packageSets: DistroPackageSets;
  /** the package manager's grammar for a package argument, checked once the distro is known */
  readonly packageName: PackageNameGrammar;
  /**
   * The script of the one RUN that installs packages. Build-only packages are installed as a
   * removable set, `buildSteps` run while they are present, and the set is removed in the same
   * RUN so none of it reaches a layer. No package index or cache is left behind. `repositories`
   * are the definition's extra repositories (only those of this distro's package manager).
   */
  installScript(
    packages: string[],
    buildPackages: string[],
    buildSteps: string[],
    repositories?: Repositories,
    /** set when a {@link PackageFetch} stage fetched the packages: the directory it is mounted at */
    fetched?: string,
  ): string;
  /**
   * How package indexes and downloads move to a stage on the build platform, so an emulated
   * platform's build only unpacks and configures; absent when the package manager cannot do that.
   */
  readonly packageFetch?: PackageFetch;
  /** commands creating groups then users, idempotent against ids the base already uses */
  accountScript(groups: GroupSpec[], users: UserSpec[]): string;
  /**
   * How a registry base of this distro is trimmed and flattened (`trimBase`); absent when kiln
   * cannot trim this distro's base.
   */
  readonly baseTrim?: BaseTrim;
}

/**
 * A trimmed base is a stage that deletes what the image never reads, copied into `FROM scratch`.
 * Only the files come along: the base's config (Env, Cmd, labels) is stated again from what kiln
 * knows of the distro's official images, since synth cannot read a registry image's config.
 */
export interface BaseTrim {
  /** the trim stage's RUN script */
  script: string;
  /**
   * the official images' CMD, written when the definition neither sets CMD nor an ENTRYPOINT
   * (which resets CMD anyway). Their only Env is PATH, and BuildKit gives `FROM scratch` the
   * same default PATH, so no ENV is written.
   */
  cmd: string[];
}

/** Native stages that fetch a target platform's package indexes, then its packages, for the install RUN to mount. */
export interface PackageFetch {
  /** the directory the stage leaves its output in; the install RUN mounts it at the same path */
  dir: string;
  /** the directory the index stage leaves the target's package indexes in; the fetch stage mounts it there */
  indexDir: string;
  /** where the stage mounts the target platform's base (its package database is read there) */
  targetRoot: string;
  /**
   * where the install RUN mounts the stage's whole root, read-only: the build platform's programs,
   * which the install may run instead of emulated ones
   */
  nativeRoot: string;
  /**
   * the index stage's RUN script: the target's package indexes, which depend on the base and its
   * sources alone, so images on the same base share the stage
   */
  indexScript(repositories?: Repositories): string;
  /** the fetch stage's RUN script: every package of the install, build-only ones included */
  script(packages: string[], repositories?: Repositories): string;
}

export interface PackageNameGrammar {
  pattern: RegExp;
  /** what a valid argument looks like, for the error */
  examples: string;
}

export interface DistroPaths {
  tini: string;
}

export interface DistroPackageSets {
  /** a BusyBox with the crond, syslogd and nc applets (Debian's plain busybox lacks crond) */
  busybox: string[];
  /** C compiler, make and libc headers */
  buildTools: string[];
}
