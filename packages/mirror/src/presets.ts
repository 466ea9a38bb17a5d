import type { MirrorProfile } from "./profile.js";

/**
 * Public mirrors with Alpine, Debian, Ubuntu, npm and PyPI. `official` means no rewrite: images
 * use the repositories their base ships. No preset maps container registries: none of these
 * hosts offers a general registry mirror that works anonymously, so registry mirrors are always
 * given explicitly (`registry.hub=…`).
 */
export const presetNames = ["official", "aliyun", "tuna", "ustc"] as const;
export type PresetName = (typeof presetNames)[number];

const distributions = (host: string): Pick<MirrorProfile, "apk" | "apt"> => ({
  apk: `${host}/alpine`,
  apt: {
    debian: `${host}/debian`,
    debianSecurity: `${host}/debian-security`,
    ubuntu: `${host}/ubuntu`,
    ubuntuPorts: `${host}/ubuntu-ports`,
  },
});

export const mirrorPresets: Record<PresetName, MirrorProfile> = {
  official: { name: "official", persist: false },
  aliyun: {
    name: "aliyun",
    ...distributions("https://mirrors.aliyun.com"),
    npm: "https://registry.npmmirror.com",
    pip: "https://mirrors.aliyun.com/pypi/simple",
    persist: false,
  },
  tuna: {
    name: "tuna",
    ...distributions("https://mirrors.tuna.tsinghua.edu.cn"),
    pip: "https://pypi.tuna.tsinghua.edu.cn/simple",
    persist: false,
  },
  ustc: {
    name: "ustc",
    ...distributions("https://mirrors.ustc.edu.cn"),
    pip: "https://mirrors.ustc.edu.cn/pypi/simple",
    persist: false,
  },
};

export function isPresetName(name: string): name is PresetName {
  return (presetNames as readonly string[]).includes(name);
}
