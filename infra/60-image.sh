#!/usr/bin/env bash
# Builds the worker image with Cloud Build (no local Docker needed) and pushes it to Artifact
# Registry. Tags are treated as immutable: an existing tag is not rebuilt; bump IMAGE_TAG instead.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: infra/60-image.sh [--dry-run]"
  echo "Builds the Dockerfile at the repository root on Cloud Build and pushes IMAGE_TAG."
  usage_common
}

parse_args "$@"
load_config
cd "$REPO_ROOT"

if ! resource_exists gcloud artifacts docker images describe "$IMAGE" --project="$PROJECT"; then
  # The CUDA base image alone is several GB; the default 10 min build timeout is too short.
  run gcloud builds submit --project="$PROJECT" --region="$REGION" --tag="$IMAGE" --timeout=3600s .
fi
