import type { Dockerfile } from "../dockerfile.js";
import { isPosixShell } from "../shell.js";

/**
 * Stages that build a Windows image: FROM a Windows base (mcr.microsoft.com/windows/…, or a tag
 * naming windowsservercore or nanoserver, as the official images' Windows variants do), a SHELL of
 * cmd, powershell or pwsh, or FROM such a stage. There, USER names an account (ContainerUser) with
 * no numeric uid, and `\` separates path components.
 */
export function windowsStages(dockerfile: Dockerfile): Set<number> {
  const windows = new Set<number>();
  for (const instruction of dockerfile.instructions) {
    if (instruction.onbuild) continue;
    if (instruction.keyword === "FROM") {
      const stage = dockerfile.stages[instruction.stage];
      if (!stage) continue;
      const image = stage.imageName.toLowerCase();
      const parent = dockerfile.stages.find((s) => s.index < stage.index && s.name !== undefined && s.name === image);
      if (
        (parent && windows.has(parent.index)) ||
        /^(mcr\.microsoft\.com\/windows(\/|$)|microsoft\/(windowsservercore|nanoserver)$)/.test(image) ||
        /(windowsservercore|nanoserver)/i.test(stage.tag ?? "")
      )
        windows.add(stage.index);
    } else if (instruction.keyword === "SHELL" && instruction.json && !isPosixShell(instruction.json)) windows.add(instruction.stage);
  }
  return windows;
}
