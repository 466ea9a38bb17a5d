export { detectSecret, isSecretName, type SecretHit } from "./secrets.js";
