#!/usr/bin/env bash
# Renders instance-template.yaml with the configuration and imports it as an instance template named
# after a hash of the rendered text: a new configuration gives a new template, an unchanged one is
# left alone (templates are immutable). The rendered file is written even under --dry-run, so it can
# be read before anything is created.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: infra/70-template.sh [--dry-run]"
  echo "Renders instance-template.yaml into RENDER_DIR and imports it as NAME-template-HASH."
  usage_common
}

parse_args "$@"
load_config

mkdir -p "$RENDER_DIR"
rendered="$(rendered_template_path)"
render_template >"$rendered"
template="$(template_name)"

if ! resource_exists gcloud compute instance-templates describe "$template" --project="$PROJECT"; then
  run gcloud compute instance-templates import "$template" --project="$PROJECT" --source="$rendered"
fi
