#!/usr/bin/env bash
# The results bucket: regional (next to the VMs), uniform bucket-level access, public access
# prevented, and a lifecycle rule (infra/results-lifecycle.json) so results do not pile up forever.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: infra/20-storage.sh [--dry-run]"
  echo "Creates the results bucket and applies its lifecycle rule. Input and model buckets are yours;"
  echo "infra/40-iam.sh only grants the worker read access to them."
  usage_common
}

parse_args "$@"
load_config
cd "$REPO_ROOT"

if ! resource_exists gcloud storage buckets describe "gs://$RESULTS_BUCKET" --project="$PROJECT"; then
  run gcloud storage buckets create "gs://$RESULTS_BUCKET" --project="$PROJECT" --location="$REGION" \
    --uniform-bucket-level-access --public-access-prevention
fi
# Applied on every run, so an edited rule file reaches an existing bucket.
run gcloud storage buckets update "gs://$RESULTS_BUCKET" --project="$PROJECT" \
  --lifecycle-file=infra/results-lifecycle.json
