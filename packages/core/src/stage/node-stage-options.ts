import type { ImageDefinition } from "../spec/define.js";

/** What a Node build stage (npmStage(), pnpmStage()) is told; each runs its own package manager. */
export interface NodeStageOptions {
  /** the stage's name, used by COPY --from */
  name: string;
  /** an image with Node.js and the stage's package manager, e.g. the workspace's debian-node (the node() feature) */
  from: string | ImageDefinition;
  /** directory in the image's build context holding package.json and the lock file, e.g. "site" */
  source: string;
  /** the build command, run in that directory after the install, e.g. "npm run build" */
  build: string;
  /** what the build writes, relative to `source` (e.g. "dist"): the only thing that ships */
  output: string;
  /** where the output goes in the image */
  to: string;
  /** owner of the copied files in the image (user or user:group); root when omitted */
  owner?: string;
}
