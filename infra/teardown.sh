#!/usr/bin/env bash
# Reverses infra/up.sh: the MIG (and with it every VM and the autoscaler), templates, health check,
# firewall rule, Cloud NAT, subscriptions, topics, IAM grants and the service account. Data is kept
# unless asked for: --delete-buckets removes the results bucket with its objects, --delete-images the
# image repository. Input and model buckets are never deleted, only the worker's access to them.
# Left as they were, because other workloads may rely on them: enabled APIs and Private Google Access.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DRY_RUN_ASSUME_EXISTS=true
DELETE_BUCKETS=false
DELETE_IMAGES=false
EXTRA_FLAGS=([--delete-buckets]=DELETE_BUCKETS [--delete-images]=DELETE_IMAGES)

usage() {
  echo "Usage: infra/teardown.sh [--dry-run] [--delete-buckets] [--delete-images]"
  echo "Deletes everything infra/up.sh created except data; the flags delete the results bucket"
  echo "(with every result in it) and the Artifact Registry repository (with every image)."
  usage_common
}

parse_args "$@"
load_config

# Deleting the group deletes its VMs: each gets the ACPI shutdown, so the worker drains (nacks what it
# has not started) before the VM goes. The autoscaler is deleted with the group.
if resource_exists gcloud compute instance-groups managed describe "$MIG" --project="$PROJECT" --region="$REGION"; then
  run gcloud compute instance-groups managed delete "$MIG" --project="$PROJECT" --region="$REGION" --quiet
fi

# Every template this deployment ever imported (their names carry a hash); a dry run knows only the
# one the current configuration renders.
if [[ $DRY_RUN == true ]]; then
  templates="$(template_name)"
else
  templates="$(gcloud compute instance-templates list --project="$PROJECT" \
    --filter="name ~ ^$TEMPLATE_PREFIX-" --format='value(name)')"
fi
for template in $templates; do
  run gcloud compute instance-templates delete "$template" --project="$PROJECT" --quiet
done

if resource_exists gcloud compute health-checks describe "$HEALTH_CHECK" --project="$PROJECT" --global; then
  run gcloud compute health-checks delete "$HEALTH_CHECK" --project="$PROJECT" --global --quiet
fi
if resource_exists gcloud compute firewall-rules describe "$FIREWALL_RULE" --project="$PROJECT"; then
  run gcloud compute firewall-rules delete "$FIREWALL_RULE" --project="$PROJECT" --quiet
fi
if resource_exists gcloud compute routers describe "$ROUTER" --project="$PROJECT" --region="$REGION"; then
  if resource_exists gcloud compute routers nats describe "$NAT" --project="$PROJECT" --region="$REGION" --router="$ROUTER"; then
    run gcloud compute routers nats delete "$NAT" --project="$PROJECT" --region="$REGION" --router="$ROUTER" --quiet
  fi
  run gcloud compute routers delete "$ROUTER" --project="$PROJECT" --region="$REGION" --quiet
fi

# Deleting a subscription or topic deletes its IAM policy with it.
for subscription in "$SUBSCRIPTION" "$DEAD_LETTER_SUBSCRIPTION"; do
  if resource_exists gcloud pubsub subscriptions describe "$subscription" --project="$PROJECT"; then
    run gcloud pubsub subscriptions delete "$subscription" --project="$PROJECT" --quiet
  fi
done
for topic in "$TOPIC" "$DEAD_LETTER_TOPIC"; do
  if resource_exists gcloud pubsub topics describe "$topic" --project="$PROJECT"; then
    run gcloud pubsub topics delete "$topic" --project="$PROJECT" --quiet
  fi
done

# Grants go before the account: a deleted account's bindings linger as deleted:serviceAccount:...
member="$SERVICE_ACCOUNT_MEMBER"
for role in roles/logging.logWriter roles/monitoring.metricWriter; do
  if binding_exists "$role" "$member" gcloud projects get-iam-policy "$PROJECT"; then
    run gcloud projects remove-iam-policy-binding "$PROJECT" --member="$member" --role="$role" --condition=None
  fi
done
for bucket in $INPUT_BUCKETS; do
  if binding_exists roles/storage.objectViewer "$member" gcloud storage buckets get-iam-policy "gs://$bucket" --project="$PROJECT"; then
    run gcloud storage buckets remove-iam-policy-binding "gs://$bucket" --project="$PROJECT" \
      --member="$member" --role=roles/storage.objectViewer --condition=None
  fi
done
index=0
for uri in $MODEL_URIS; do
  bucket="$(model_bucket "$uri")"
  if binding_exists roles/storage.objectViewer "$member" gcloud storage buckets get-iam-policy "gs://$bucket" --project="$PROJECT"; then
    run gcloud storage buckets remove-iam-policy-binding "gs://$bucket" --project="$PROJECT" \
      --member="$member" --role=roles/storage.objectViewer --condition="$(model_condition "$uri" "$index")"
  fi
  index=$((index + 1))
done

if resource_exists gcloud storage buckets describe "gs://$RESULTS_BUCKET" --project="$PROJECT"; then
  if [[ $DELETE_BUCKETS == true ]]; then
    run gcloud storage rm --recursive "gs://$RESULTS_BUCKET" --project="$PROJECT"
  elif binding_exists roles/storage.objectCreator "$member" gcloud storage buckets get-iam-policy "gs://$RESULTS_BUCKET" --project="$PROJECT"; then
    run gcloud storage buckets remove-iam-policy-binding "gs://$RESULTS_BUCKET" --project="$PROJECT" \
      --member="$member" --role=roles/storage.objectCreator --condition=None
  fi
fi

if resource_exists gcloud artifacts repositories describe "$AR_REPOSITORY" --project="$PROJECT" --location="$REGION"; then
  if [[ $DELETE_IMAGES == true ]]; then
    run gcloud artifacts repositories delete "$AR_REPOSITORY" --project="$PROJECT" --location="$REGION" --quiet
  elif binding_exists roles/artifactregistry.reader "$member" gcloud artifacts repositories get-iam-policy "$AR_REPOSITORY" --project="$PROJECT" --location="$REGION"; then
    run gcloud artifacts repositories remove-iam-policy-binding "$AR_REPOSITORY" --project="$PROJECT" \
      --location="$REGION" --member="$member" --role=roles/artifactregistry.reader
  fi
fi

if resource_exists gcloud iam service-accounts describe "$SERVICE_ACCOUNT_EMAIL" --project="$PROJECT"; then
  run gcloud iam service-accounts delete "$SERVICE_ACCOUNT_EMAIL" --project="$PROJECT" --quiet
fi
