#!/usr/bin/env bash
# Networking for VMs without an external IP: Private Google Access on the subnet (Pub/Sub, Storage,
# Artifact Registry, Logging and the COS driver download), optional Cloud NAT for any other egress,
# and the firewall rule that lets Google's health-check probes reach the worker's health port.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: infra/50-network.sh [--dry-run]"
  echo "Enables Private Google Access, creates Cloud NAT (ENABLE_NAT=true) and the health-check firewall rule."
  usage_common
}

parse_args "$@"
load_config

# Idempotent by itself: setting the flag again changes nothing.
run gcloud compute networks subnets update "$SUBNET" --project="$PROJECT" --region="$REGION" \
  --enable-private-ip-google-access

if [[ $ENABLE_NAT == true ]]; then
  if ! resource_exists gcloud compute routers describe "$ROUTER" --project="$PROJECT" --region="$REGION"; then
    run gcloud compute routers create "$ROUTER" --project="$PROJECT" --region="$REGION" --network="$NETWORK"
  fi
  if ! resource_exists gcloud compute routers nats describe "$NAT" --project="$PROJECT" --region="$REGION" --router="$ROUTER"; then
    run gcloud compute routers nats create "$NAT" --project="$PROJECT" --region="$REGION" --router="$ROUTER" \
      --auto-allocate-nat-external-ips --nat-all-subnet-ip-ranges
  fi
fi

# Google's health checkers probe from these two ranges (documented for all load balancers and
# autohealing); only VMs tagged for this deployment, only the health port.
if ! resource_exists gcloud compute firewall-rules describe "$FIREWALL_RULE" --project="$PROJECT"; then
  run gcloud compute firewall-rules create "$FIREWALL_RULE" --project="$PROJECT" --network="$NETWORK" \
    --direction=INGRESS --action=ALLOW --rules="tcp:$HEALTH_PORT" \
    --source-ranges=130.211.0.0/22,35.191.0.0/16 --target-tags="$NETWORK_TAG"
fi
