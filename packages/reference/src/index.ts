export { ImageReferenceError } from "./errors.js";
export {
  defaultRegistryKey,
  looksLikeRegistryDomain,
  parseImageReference,
  pinnedReference,
  registryDomainPattern,
  registryPathPattern,
  splitImageReference,
  type ImageReference,
  type ReferenceParts,
} from "./reference.js";
export { registryBaseUrl } from "./registry-url.js";
