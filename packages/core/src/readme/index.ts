export { readmeFindings, readmeRule } from "./readme-findings.js";
