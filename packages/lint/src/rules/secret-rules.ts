import { keyValuePairs } from "../dockerfile.js";
import { detectSecret } from "@kiln/secrets";
import { ofKeyword, type Rule, type RuleFinding } from "./rule.js";

/** hadolint's list of names that are secrets wherever they appear. */
const knownSensitiveNames = new Set([
  "ACCESS_TOKEN",
  "APPLICATION_KEY",
  "APP_SECRET",
  "AUTH_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "BITTREX_API_KEY",
  "BITTREX_API_SECRET",
  "CF_PASSWORD",
  "CF_USERNAME",
  "CIRCLE_TOKEN",
  "CI_DEPLOY_PASSWORD",
  "CI_DEPLOY_USER",
  "DOCKERHUB_PASSWORD",
  "DOCKER_EMAIL",
  "DOCKER_PASSWORD",
  "DOCKER_USERNAME",
  "FACEBOOK_ACCESS_TOKEN",
  "FACEBOOK_APP_ID",
  "FACEBOOK_APP_SECRET",
  "FIREBASE_API_TOKEN",
  "FIREBASE_TOKEN",
  "FOSSA_API_KEY",
  "GH_ENTERPRISE_TOKEN",
  "GH_TOKEN",
  "GITHUB_ENTERPRISE_TOKEN",
  "GITHUB_TOKEN",
  "HEROKU_API_KEY",
  "HEROKU_API_USER",
  "NPM_AUTH_TOKEN",
  "NPM_TOKEN",
  "OKTA_AUTHN_GROUPID",
  "OKTA_CLIENT_ORGURL",
  "OKTA_CLIENT_TOKEN",
  "OKTA_OAUTH2_CLIENTID",
  "OKTA_OAUTH2_CLIENTSECRET",
  "OPENAI_API_KEY",
  "OS_PASSWORD",
  "OS_USERNAME",
  "POSTGRES_PASSWORD",
  "SLACK_TOKEN",
  "STRIPE_API_KEY",
  "STRIPE_DEVICE_NAME",
  "TRAVIS_OS_NAME",
  "TRAVIS_SECURE_ENV_VARS",
  "TRAVIS_SUDO",
  "VAULT_CLIENT_KEY",
  "VAULT_TOKEN",
]);
const suspiciousParts = ["api_key", "client_key", "password", "private", "secret", "token", "username"];
const sensitiveName = (name: string) =>
  knownSensitiveNames.has(name.toUpperCase()) || suspiciousParts.some((part) => name.toLowerCase().includes(part));

export const secretRules: Rule[] = [
  {
    code: "DL3064",
    severity: "warning",
    summary:
      "a secret-sounding ARG or ENV name: build arguments and ENV stay readable in the image's history and config; use a build secret (RUN --mount=type=secret)",
    check: ({ dockerfile }) =>
      dockerfile.instructions
        .filter((i) => (i.keyword === "ARG" || i.keyword === "ENV") && keyValuePairs(i).some(({ key }) => sensitiveName(key)))
        .map((i) => ({ line: i.line })),
  },
  {
    code: "KL001",
    severity: "error",
    summary: "a secret written into ENV, an ARG default or a LABEL: anyone who pulls the image can read it",
    check: ({ dockerfile }) =>
      [
        ...ofKeyword(dockerfile, "ENV", { onbuild: true }),
        ...ofKeyword(dockerfile, "ARG", { onbuild: true }),
        ...ofKeyword(dockerfile, "LABEL", { onbuild: true }),
      ]
        .sort((a, b) => a.line - b.line)
        .flatMap((instruction): RuleFinding[] => {
          const pairs = keyValuePairs(instruction);
          // DL3064 already reports a secret-sounding name here; this rule adds what it cannot see.
          const byName = instruction.keyword !== "LABEL" && pairs.some(({ key }) => sensitiveName(key));
          const hits = pairs.flatMap(({ key, value }) => {
            const hit = detectSecret(key, value);
            return hit && !(byName && hit.by === "name") ? [`${key} (${hit.reason})`] : [];
          });
          return hits.length > 0
            ? [
                {
                  line: instruction.line,
                  message: `${instruction.keyword} ${hits.join(", ")} holds a secret: anyone who pulls the image can read it; pass it at run time or as a build secret`,
                },
              ]
            : [];
        }),
  },
];
