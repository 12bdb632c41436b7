#!/usr/bin/env bash
# Deploys one site from CI: compiles it with --reveal into a private temporary folder (never into
# the repository, never into an artifact), applies its Secrets, installs the umbrella chart, then
# deletes the site's Secrets that the compiler no longer produces. It refuses redacted Secrets
# (annotation chamicore.io/redacted): applying out/<site>/secrets/ from the repository would set
# every password to the public placeholder.
# Usage: scripts/ci-deploy.sh <site>
# Environment (GitLab CI/CD variables scoped to the site's environment):
#   CHAMICORE_SITE_KEY   masked variable: the site key for generated secrets
#   KUBECONFIG           file variable: credentials for the site's cluster
#   CHAMICORE_CHARTS_DIR optional: a folder of unpacked third-party charts (postgresql, nats) at
#                        their pins, for a runner that cannot reach their repositories; without
#                        it they are pulled from the repositories the umbrella chart names
#   SECRET_FILE_<NAME>   optional file variables: the site's fromFile secrets, NAME being the
#                        file name upper-cased with - as _ (eiger-db-password → SECRET_FILE_EIGER_DB_PASSWORD)
set -euo pipefail
site="${1:?usage: scripts/ci-deploy.sh <site>}"
: "${CHAMICORE_SITE_KEY:?set the masked CI variable CHAMICORE_SITE_KEY for this environment}"
umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/secrets"
while IFS='=' read -r name path; do
  file="$(printf '%s' "${name#SECRET_FILE_}" | tr 'A-Z_' 'a-z-')"
  cp "$path" "$work/secrets/$file"
done < <(env | grep -E '^SECRET_FILE_[A-Z0-9_]+=' || true)

npx chamicore-compile --reveal --secrets-dir "$work/secrets" --out "$work/out" "sites/$site"
secrets="$work/out/$site/secrets"
if grep -l 'chamicore.io/redacted' "$secrets"/*.yaml; then
  echo "ci-deploy: refusing redacted Secret manifests (placeholders, not values)" >&2
  exit 1
fi
# The namespace and the names of the Secrets this compile produces, from the manifests themselves.
read_secrets='const y = require("yaml"); const f = require("fs"); const p = require("path");
const docs = f.readdirSync(process.argv[1]).map((n) => y.parse(f.readFileSync(p.join(process.argv[1], n), "utf8")));
console.log(process.argv[2] === "namespace" ? docs[0].metadata.namespace : docs.map((d) => d.metadata.name).join("\n"));'
namespace="$(node -e "$read_secrets" "$secrets" namespace)"
produced="$(node -e "$read_secrets" "$secrets" names)"
# The namespace enforces Pod Security "restricted", which every pod of the release meets.
kubectl create namespace "$namespace" --dry-run=client -o yaml |
  kubectl label --local -f - -o yaml \
    pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest \
    pod-security.kubernetes.io/warn=restricted pod-security.kubernetes.io/audit=restricted |
  kubectl apply -f -
kubectl apply --server-side -f "$secrets/"
# The umbrella chart from this checkout: the chamicore charts of charts/ at the versions the site
# pins, no chart registry (scripts/assemble-chart.mjs).
chart="$work/chart"
node scripts/assemble-chart.mjs "$work/out/$site/helm" "$chart" ${CHAMICORE_CHARTS_DIR:+--charts-from "$CHAMICORE_CHARTS_DIR"}
helm upgrade --install chamicore "$chart" --namespace "$namespace" --atomic --wait --timeout 15m
# Only now that no pod reads them: Secrets of this site the compiler no longer produces.
kubectl get secrets --namespace "$namespace" -o name \
  -l "app.kubernetes.io/managed-by=chamicore-compile,app.kubernetes.io/instance=$site" |
  while read -r object; do
    if ! printf '%s\n' "$produced" | grep -qxF "${object#secret/}"; then
      kubectl delete --namespace "$namespace" "$object"
    fi
  done
