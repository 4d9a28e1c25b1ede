#!/usr/bin/env bash
# The job topic, its pull subscription (ack deadline, retry policy, dead-letter policy, retention) and
# the dead-letter topic with a subscription of its own, so dead letters are kept and can be inspected.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: infra/10-pubsub.sh [--dry-run]"
  echo "Creates the job topic, the worker's subscription and the dead-letter topic and subscription."
  usage_common
}

parse_args "$@"
load_config

for topic in "$TOPIC" "$DEAD_LETTER_TOPIC"; do
  if ! resource_exists gcloud pubsub topics describe "$topic" --project="$PROJECT"; then
    run gcloud pubsub topics create "$topic" --project="$PROJECT" --labels="app=$NAME"
  fi
done

# The worker extends leases while it works, so the ack deadline only bounds how long a crashed VM
# holds messages. After MAX_DELIVERY_ATTEMPTS failed deliveries a message goes to the dead-letter
# topic instead of poisoning the backlog (and the autoscaler) forever. Subscriptions expire after 31
# idle days by default; a queue that sleeps between batches must not vanish.
subscription_settings=(
  --ack-deadline="$ACK_DEADLINE_SECONDS"
  --message-retention-duration="$MESSAGE_RETENTION"
  --min-retry-delay="$MIN_RETRY_DELAY"
  --max-retry-delay="$MAX_RETRY_DELAY"
  --dead-letter-topic="projects/$PROJECT/topics/$DEAD_LETTER_TOPIC"
  --max-delivery-attempts="$MAX_DELIVERY_ATTEMPTS"
  --expiration-period=never
)
if resource_exists gcloud pubsub subscriptions describe "$SUBSCRIPTION" --project="$PROJECT"; then
  # Converge an existing subscription on the configured settings.
  run gcloud pubsub subscriptions update "$SUBSCRIPTION" --project="$PROJECT" "${subscription_settings[@]}"
else
  run gcloud pubsub subscriptions create "$SUBSCRIPTION" --project="$PROJECT" --topic="$TOPIC" \
    "${subscription_settings[@]}" --labels="app=$NAME"
fi

if ! resource_exists gcloud pubsub subscriptions describe "$DEAD_LETTER_SUBSCRIPTION" --project="$PROJECT"; then
  run gcloud pubsub subscriptions create "$DEAD_LETTER_SUBSCRIPTION" --project="$PROJECT" \
    --topic="$DEAD_LETTER_TOPIC" --message-retention-duration="$MESSAGE_RETENTION" \
    --expiration-period=never --labels="app=$NAME"
fi

# Dead lettering is done by Pub/Sub's own service agent: it must publish to the dead-letter topic and
# acknowledge on the source subscription. add-iam-policy-binding is a no-op when the binding exists.
pubsub_agent="serviceAccount:service-$(project_number)@gcp-sa-pubsub.iam.gserviceaccount.com"
run gcloud pubsub topics add-iam-policy-binding "$DEAD_LETTER_TOPIC" --project="$PROJECT" \
  --member="$pubsub_agent" --role=roles/pubsub.publisher
run gcloud pubsub subscriptions add-iam-policy-binding "$SUBSCRIPTION" --project="$PROJECT" \
  --member="$pubsub_agent" --role=roles/pubsub.subscriber
