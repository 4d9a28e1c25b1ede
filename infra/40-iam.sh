#!/usr/bin/env bash
# The worker VMs' own service account, with the least privilege the worker needs:
#   subscriber on its subscription only, object creator on the results bucket only, object viewer on
#   the input buckets and on each model *object* (an IAM condition), log and metric writer, and
#   reader on the image repository. No project-wide data access, no default compute account.
# add-iam-policy-binding is a no-op for an existing binding, so re-running is safe.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: infra/40-iam.sh [--dry-run]"
  echo "Creates the worker service account and grants it only what the worker uses."
  usage_common
}

parse_args "$@"
load_config

if ! resource_exists gcloud iam service-accounts describe "$SERVICE_ACCOUNT_EMAIL" --project="$PROJECT"; then
  run gcloud iam service-accounts create "$SERVICE_ACCOUNT_ID" --project="$PROJECT" \
    --display-name="pullworker VMs" --description="Runs the pullworker container on the Spot GPU MIG"
fi

run gcloud pubsub subscriptions add-iam-policy-binding "$SUBSCRIPTION" --project="$PROJECT" \
  --member="$SERVICE_ACCOUNT_MEMBER" --role=roles/pubsub.subscriber

# Bucket policies may hold conditional bindings (the model grants below), and gcloud then refuses an
# unconditional add without an explicit --condition=None.
run gcloud storage buckets add-iam-policy-binding "gs://$RESULTS_BUCKET" --project="$PROJECT" \
  --member="$SERVICE_ACCOUNT_MEMBER" --role=roles/storage.objectCreator --condition=None

for bucket in $INPUT_BUCKETS; do
  run gcloud storage buckets add-iam-policy-binding "gs://$bucket" --project="$PROJECT" \
    --member="$SERVICE_ACCOUNT_MEMBER" --role=roles/storage.objectViewer --condition=None
done

# Read access to exactly the configured model objects, not to the rest of their bucket. IAM
# conditions on buckets need uniform bucket-level access on the model bucket.
index=0
for uri in $MODEL_URIS; do
  run gcloud storage buckets add-iam-policy-binding "gs://$(model_bucket "$uri")" --project="$PROJECT" \
    --member="$SERVICE_ACCOUNT_MEMBER" --role=roles/storage.objectViewer \
    --condition="$(model_condition "$uri" "$index")"
  index=$((index + 1))
done

for role in roles/logging.logWriter roles/monitoring.metricWriter; do
  run gcloud projects add-iam-policy-binding "$PROJECT" \
    --member="$SERVICE_ACCOUNT_MEMBER" --role="$role" --condition=None
done

run gcloud artifacts repositories add-iam-policy-binding "$AR_REPOSITORY" --project="$PROJECT" \
  --location="$REGION" --member="$SERVICE_ACCOUNT_MEMBER" --role=roles/artifactregistry.reader
