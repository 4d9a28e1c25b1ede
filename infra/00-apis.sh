#!/usr/bin/env bash
# Enables the Google Cloud APIs the deployment uses. `services enable` is idempotent by itself.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: infra/00-apis.sh [--dry-run]"
  echo "Enables Compute, Pub/Sub, Storage, IAM, Artifact Registry, Cloud Build, Logging and Monitoring."
  usage_common
}

parse_args "$@"
load_config

run gcloud services enable \
  compute.googleapis.com \
  pubsub.googleapis.com \
  storage.googleapis.com \
  iam.googleapis.com \
  artifactregistry.googleapis.com \
  cloudbuild.googleapis.com \
  logging.googleapis.com \
  monitoring.googleapis.com \
  --project="$PROJECT"
