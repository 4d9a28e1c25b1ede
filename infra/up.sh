#!/usr/bin/env bash
# Runs every setup step in order. Each step is idempotent, so up.sh can be re-run after a failure or
# a configuration change.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly STEPS=(00-apis 10-pubsub 20-storage 30-registry 40-iam 50-network 60-image 70-template 80-mig)

usage() {
  echo "Usage: infra/up.sh [--dry-run]"
  echo "Runs ${STEPS[*]} in order."
  usage_common
}

parse_args "$@"
load_config

step_args=()
[[ $DRY_RUN == true ]] && step_args+=(--dry-run)
for step in "${STEPS[@]}"; do
  [[ $DRY_RUN == true ]] || printf '== %s\n' "$step" >&2
  bash "$INFRA_DIR/$step.sh" "${step_args[@]}"
done
