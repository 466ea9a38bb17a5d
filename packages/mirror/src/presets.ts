import type { AptMirrors, MirrorProfile } from "./profile.js";

export const mirrorPresetNames = ["official", "aliyun", "tuna", "ustc"] as const;
export type MirrorPresetName = (typeof mirrorPresetNames)[number];

/** Who runs each preset, for error hints and the README. */
export const mirrorPresetOperators: Record<MirrorPresetName, string> = {
  official: "no rewrite: the repositories and registries the base image names",
  aliyun: "Alibaba Cloud",
  tuna: "Tsinghua University TUNA",
  ustc: "University of Science and Technology of China",
};

/** All three hosts lay out the distributions under the same paths. */
function distributionMirrors(host: string): { apk: string; apt: AptMirrors } {
  return {
    apk: `${host}/alpine`,
    apt: {
      debian: `${host}/debian`,
      debianSecurity: `${host}/debian-security`,
      ubuntu: `${host}/ubuntu`,
      ubuntuPorts: `${host}/ubuntu-ports`,
    },
  };
}

/**
 * Public mirrors of Alpine, Debian, Ubuntu, and npm and PyPI where the host runs one. No preset maps
 * container registries: none of these hosts offers an anonymous, generally reachable mirror of the
 * default registry (Alibaba Cloud's is a per-account address, USTC's is limited to its campus), so a
 * registry mirror is always given explicitly, e.g. `preset:tuna,registry.hub=127.0.0.1:5000`.
 */
export const mirrorPresets: Record<MirrorPresetName, MirrorProfile> = deepFreeze({
  official: { name: "official" },
  aliyun: {
    name: "aliyun",
    ...distributionMirrors("https://mirrors.aliyun.com"),
    npm: "https://registry.npmmirror.com",
    pip: "https://mirrors.aliyun.com/pypi/simple",
  },
  tuna: {
    name: "tuna",
    ...distributionMirrors("https://mirrors.tuna.tsinghua.edu.cn"),
    pip: "https://pypi.tuna.tsinghua.edu.cn/simple",
  },
  ustc: {
    name: "ustc",
    ...distributionMirrors("https://mirrors.ustc.edu.cn"),
    pip: "https://mirrors.ustc.edu.cn/pypi/simple",
  },
});

/** Presets are shared module state; freezing them keeps one caller's edit from changing another's builds. */
function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (typeof child === "object" && child !== null) deepFreeze(child);
  return Object.freeze(value);
}

export function isMirrorPresetName(name: string): name is MirrorPresetName {
  return (mirrorPresetNames as readonly string[]).includes(name);
}
