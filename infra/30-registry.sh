#!/usr/bin/env bash
# The Artifact Registry Docker repository that holds the worker image, in the VMs' region so pulls
# stay in-region (and free of egress charges).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: infra/30-registry.sh [--dry-run]"
  echo "Creates the Docker repository REGION-docker.pkg.dev/PROJECT/AR_REPOSITORY."
  usage_common
}

parse_args "$@"
load_config

if ! resource_exists gcloud artifacts repositories describe "$AR_REPOSITORY" --project="$PROJECT" --location="$REGION"; then
  run gcloud artifacts repositories create "$AR_REPOSITORY" --project="$PROJECT" --location="$REGION" \
    --repository-format=docker --description="pullworker images" --labels="app=$NAME"
fi
