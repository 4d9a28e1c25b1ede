#!/usr/bin/env bash
# The regional managed instance group of Spot GPU VMs, its autohealing health check and the autoscaler
# that sizes it from the subscription's backlog, down to zero VMs when there is no work.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: infra/80-mig.sh [--dry-run]"
  echo "Creates the /healthz health check, the regional MIG (size 0) with autohealing, and the"
  echo "autoscaler on pubsub.googleapis.com/subscription/num_undelivered_messages."
  usage_common
}

parse_args "$@"
load_config

template="$(template_name)"

# /healthz answers as soon as the process is up (liveness, not readiness): a VM that is still loading
# its model is healthy, one whose worker hung or died is not. Three misses 10 s apart = 30 s.
if ! resource_exists gcloud compute health-checks describe "$HEALTH_CHECK" --project="$PROJECT" --global; then
  run gcloud compute health-checks create http "$HEALTH_CHECK" --project="$PROJECT" --global \
    --port="$HEALTH_PORT" --request-path=/healthz \
    --check-interval=10s --timeout=5s --healthy-threshold=1 --unhealthy-threshold=3
fi

# Regional, across the zones that offer the GPU. Spot capacity comes and goes per zone, so the group
# may put VMs wherever capacity exists (shape ANY) and never moves running VMs to rebalance
# (redistribution NONE, which shape ANY requires): a rebalance would delete a VM mid-batch.
# The autohealing delay covers boot, driver install (~40 s), image pull (a few GB) and model load.
if resource_exists gcloud compute instance-groups managed describe "$MIG" --project="$PROJECT" --region="$REGION"; then
  run gcloud compute instance-groups managed set-instance-template "$MIG" --project="$PROJECT" \
    --region="$REGION" --template="$template"
  run gcloud compute instance-groups managed update "$MIG" --project="$PROJECT" --region="$REGION" \
    --health-check="$HEALTH_CHECK" --initial-delay="$AUTOHEAL_INITIAL_DELAY_SECONDS"
else
  run gcloud compute instance-groups managed create "$MIG" --project="$PROJECT" --region="$REGION" \
    --zones="$ZONES" --template="$template" --size=0 --base-instance-name="$NAME" \
    --target-distribution-shape=ANY --instance-redistribution-type=NONE \
    --health-check="$HEALTH_CHECK" --initial-delay="$AUTOHEAL_INITIAL_DELAY_SECONDS"
fi

# The autoscaler (set-autoscaling replaces the whole policy, so it is idempotent as it stands):
# - Metric: the subscription's num_undelivered_messages, a per-group metric (one series for the whole
#   subscription, not one per VM), so it exists with zero VMs and the group can scale from and to 0.
#   It counts delivered-but-unacked messages too, so it does not drop to 0 while VMs still work
#   (the worker acks only after the result is written).
# - Single-instance assignment: VMs = ceil(backlog / BACKLOG_PER_VM), clamped to [0, MAX_VMS].
# - Filter: this subscription only; without it the autoscaler sums every subscription in the project.
# - Cool-down (initialization period): how long a new VM is given to boot before its data counts;
#   set to the boot-to-ready time.
# - Stabilization: scale-in follows the peak recommendation of the last STABILIZATION_SECONDS, so a
#   drained backlog keeps its VMs that long (the metric is sampled every 60 s and lags up to 120 s,
#   and a VM takes minutes to come back) before the group goes to zero.
autoscaling=(
  --project="$PROJECT" --region="$REGION" --mode=on
  --min-num-replicas=0 --max-num-replicas="$MAX_VMS"
  --update-stackdriver-metric=pubsub.googleapis.com/subscription/num_undelivered_messages
  --stackdriver-metric-filter="resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=\"$SUBSCRIPTION\""
  --stackdriver-metric-single-instance-assignment="$BACKLOG_PER_VM"
  --cool-down-period="${COOL_DOWN_SECONDS}s"
  --stabilization-period="${STABILIZATION_SECONDS}s"
)
# Optional scale-in control: at most SCALE_IN_MAX_REPLICAS VMs removed per time window.
if [[ -n $SCALE_IN_MAX_REPLICAS ]]; then
  autoscaling+=(--scale-in-control="max-scaled-in-replicas=$SCALE_IN_MAX_REPLICAS,time-window=$SCALE_IN_TIME_WINDOW_SECONDS")
fi
run gcloud compute instance-groups managed set-autoscaling "$MIG" "${autoscaling[@]}"
