# shellcheck shell=bash
# Shared by every infra script: configuration, --dry-run, idempotence helpers, template rendering.
# Sourced, never executed. Callers run with `set -euo pipefail`.

# Command substitutions must stop on errors too (bash leaves errexit off in them by default).
shopt -s inherit_errexit

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/.." && pwd)"
readonly INFRA_DIR REPO_ROOT

# Every key the scripts read. A key set in the environment wins over the config file, so one file
# serves a team and a single run can still override a value (e.g. MAX_VMS=8 infra/70-mig.sh).
readonly CONFIG_KEYS=(
  PROJECT PROJECT_NUMBER REGION ZONES NAME
  TOPIC SUBSCRIPTION DEAD_LETTER_TOPIC DEAD_LETTER_SUBSCRIPTION
  ACK_DEADLINE_SECONDS MAX_DELIVERY_ATTEMPTS MIN_RETRY_DELAY MAX_RETRY_DELAY MESSAGE_RETENTION
  RESULTS_BUCKET RESULTS_PREFIX INPUT_BUCKETS MODEL_URIS
  AR_REPOSITORY IMAGE_TAG
  MACHINE_TYPE ACCELERATOR_TYPE ACCELERATOR_COUNT BOOT_IMAGE BOOT_DISK_GB GPU_DRIVER_VERSION
  NETWORK SUBNET ENABLE_NAT
  HEALTH_PORT SHUTDOWN_GRACE_SECONDS STOP_TIMEOUT_SECONDS WORKER_ENV_EXTRA
  MAX_VMS BACKLOG_PER_VM COOL_DOWN_SECONDS STABILIZATION_SECONDS AUTOHEAL_INITIAL_DELAY_SECONDS
  SCALE_IN_MAX_REPLICAS SCALE_IN_TIME_WINDOW_SECONDS
  RENDER_DIR
)

DRY_RUN=false
# What `resource_exists` answers under --dry-run: setup scripts list the commands an empty project
# needs (nothing exists), teardown lists the commands a fully deployed project needs (all exists).
DRY_RUN_ASSUME_EXISTS=false

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

usage_common() {
  cat <<EOF
Options:
  --dry-run   print the gcloud commands this script would run, one per line, and run nothing
              (needs no gcloud; describes are skipped and resources are assumed $(
                [[ $DRY_RUN_ASSUME_EXISTS == true ]] && echo present || echo absent))
  -h, --help  show this help
Configuration: \$CONFIG_FILE (default infra/config.env), overridden by the environment.
EOF
}

# Parses the options every script shares; a script's own flags go in EXTRA_FLAGS (name -> variable).
declare -A EXTRA_FLAGS=()
parse_args() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      --dry-run) DRY_RUN=true ;;
      -h | --help)
        usage
        exit 0
        ;;
      *)
        if [[ -n ${EXTRA_FLAGS[$arg]+set} ]]; then
          printf -v "${EXTRA_FLAGS[$arg]}" '%s' true
        else
          die "unknown option '$arg' (see --help)"
        fi
        ;;
    esac
  done
}

load_config() {
  local file="${CONFIG_FILE:-$INFRA_DIR/config.env}"
  [[ -f $file ]] || die "config file '$file' not found: copy infra/config.env.example to infra/config.env and edit it, or set CONFIG_FILE"

  local key
  declare -A from_env=()
  for key in "${CONFIG_KEYS[@]}"; do
    if [[ -n ${!key+set} ]]; then from_env[$key]="${!key}"; fi
  done
  # shellcheck disable=SC1090 # the path is the user's choice
  source "$file"
  for key in "${!from_env[@]}"; do
    printf -v "$key" '%s' "${from_env[$key]}"
  done

  apply_defaults
  validate_config
  derive_names
}

apply_defaults() {
  : "${NAME:=pullworker}"
  : "${TOPIC:=$NAME-jobs}"
  : "${SUBSCRIPTION:=$NAME-jobs-sub}"
  : "${DEAD_LETTER_TOPIC:=$NAME-jobs-dead-letter}"
  : "${DEAD_LETTER_SUBSCRIPTION:=$NAME-jobs-dead-letter-sub}"
  : "${ACK_DEADLINE_SECONDS:=60}"
  : "${MAX_DELIVERY_ATTEMPTS:=5}"
  : "${MIN_RETRY_DELAY:=10s}"
  : "${MAX_RETRY_DELAY:=600s}"
  : "${MESSAGE_RETENTION:=7d}"
  : "${RESULTS_PREFIX:=results/}"
  : "${INPUT_BUCKETS:=}"
  : "${AR_REPOSITORY:=$NAME}"
  : "${MACHINE_TYPE:=g2-standard-4}"
  : "${ACCELERATOR_TYPE:=nvidia-l4}"
  : "${ACCELERATOR_COUNT:=1}"
  : "${BOOT_IMAGE:=projects/cos-cloud/global/images/family/cos-stable}"
  : "${BOOT_DISK_GB:=50}"
  : "${GPU_DRIVER_VERSION:=latest}"
  : "${NETWORK:=default}"
  : "${SUBNET:=default}"
  : "${ENABLE_NAT:=true}"
  : "${HEALTH_PORT:=8080}"
  : "${SHUTDOWN_GRACE_SECONDS:=25}"
  : "${STOP_TIMEOUT_SECONDS:=30}"
  : "${WORKER_ENV_EXTRA:=}"
  : "${MAX_VMS:=4}"
  : "${BACKLOG_PER_VM:=1000}"
  : "${COOL_DOWN_SECONDS:=300}"
  : "${STABILIZATION_SECONDS:=600}"
  : "${AUTOHEAL_INITIAL_DELAY_SECONDS:=600}"
  : "${SCALE_IN_MAX_REPLICAS:=}"
  : "${SCALE_IN_TIME_WINDOW_SECONDS:=600}"
  : "${RENDER_DIR:=$INFRA_DIR/.out}"
}

require() {
  local key
  for key in "$@"; do
    [[ -n ${!key:-} ]] || die "$key is required (set it in the config file or the environment)"
  done
}

require_int() {
  local key="$1" min="$2" max="$3"
  [[ ${!key} =~ ^[0-9]+$ ]] || die "$key must be a whole number, got '${!key}'"
  ((${!key} >= min && ${!key} <= max)) || die "$key must be between $min and $max, got ${!key}"
}

# Values end up inside gcloud flags, a YAML double-quoted string and a systemd unit: keep them plain.
require_plain() {
  local key="$1"
  [[ ${!key:-} =~ ^[A-Za-z0-9_./:@=,\ -]*$ ]] || die "$key may only contain letters, digits and _ . / : @ = , - and spaces, got '${!key:-}'"
}

validate_config() {
  require PROJECT REGION ZONES RESULTS_BUCKET MODEL_URIS IMAGE_TAG
  local key
  for key in "${CONFIG_KEYS[@]}"; do
    [[ $key == RENDER_DIR ]] || require_plain "$key"
  done
  [[ $RESULTS_PREFIX == */ || -z $RESULTS_PREFIX ]] || die "RESULTS_PREFIX must end with '/', got '$RESULTS_PREFIX'"
  local uri
  for uri in $MODEL_URIS; do
    [[ $uri =~ ^gs://[a-z0-9._-]+/.+ ]] || die "MODEL_URIS entries must be gs://bucket/object URIs, got '$uri'"
  done
  local bucket
  for bucket in $RESULTS_BUCKET $INPUT_BUCKETS; do
    [[ $bucket =~ ^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$ ]] || die "'$bucket' is not a bucket name (give names without gs://)"
  done
  require_int ACK_DEADLINE_SECONDS 10 600
  require_int MAX_DELIVERY_ATTEMPTS 5 100
  require_int ACCELERATOR_COUNT 1 8
  require_int BOOT_DISK_GB 10 2000
  require_int HEALTH_PORT 1 65535
  require_int SHUTDOWN_GRACE_SECONDS 1 300
  require_int STOP_TIMEOUT_SECONDS 1 300
  require_int MAX_VMS 1 1000
  require_int BACKLOG_PER_VM 1 100000000
  require_int COOL_DOWN_SECONDS 0 3600
  require_int STABILIZATION_SECONDS 0 3600
  require_int AUTOHEAL_INITIAL_DELAY_SECONDS 0 3600
  require_int SCALE_IN_TIME_WINDOW_SECONDS 60 3600
  [[ -z $SCALE_IN_MAX_REPLICAS ]] || require_int SCALE_IN_MAX_REPLICAS 0 1000
  # docker stop must give the worker at least its whole drain before it sends SIGKILL.
  ((STOP_TIMEOUT_SECONDS >= SHUTDOWN_GRACE_SECONDS)) ||
    die "STOP_TIMEOUT_SECONDS ($STOP_TIMEOUT_SECONDS) must be >= SHUTDOWN_GRACE_SECONDS ($SHUTDOWN_GRACE_SECONDS)"
  [[ $ENABLE_NAT == true || $ENABLE_NAT == false ]] || die "ENABLE_NAT must be true or false, got '$ENABLE_NAT'"
  validate_accelerator
}

# G2 machine types come with their L4s; the count is fixed by the shape. N1 takes T4s explicitly.
validate_accelerator() {
  local expected
  case "$MACHINE_TYPE" in
    g2-standard-4 | g2-standard-8 | g2-standard-12 | g2-standard-16 | g2-standard-32) expected="nvidia-l4 1" ;;
    g2-standard-24) expected="nvidia-l4 2" ;;
    g2-standard-48) expected="nvidia-l4 4" ;;
    g2-standard-96) expected="nvidia-l4 8" ;;
    n1-*)
      [[ $ACCELERATOR_TYPE == nvidia-tesla-t4 ]] || die "with $MACHINE_TYPE use ACCELERATOR_TYPE=nvidia-tesla-t4, got '$ACCELERATOR_TYPE'"
      [[ $ACCELERATOR_COUNT =~ ^(1|2|4)$ ]] || die "N1 takes 1, 2 or 4 T4s, got ACCELERATOR_COUNT=$ACCELERATOR_COUNT"
      return
      ;;
    *) die "MACHINE_TYPE '$MACHINE_TYPE' is not a supported GPU shape (g2-standard-* with L4, n1-* with T4)" ;;
  esac
  [[ "$ACCELERATOR_TYPE $ACCELERATOR_COUNT" == "$expected" ]] ||
    die "$MACHINE_TYPE carries '$expected' (type count), got ACCELERATOR_TYPE=$ACCELERATOR_TYPE ACCELERATOR_COUNT=$ACCELERATOR_COUNT"
}

# shellcheck disable=SC2034 # the names are used by the scripts that source this file
derive_names() {
  SERVICE_ACCOUNT_ID="$NAME-worker"
  SERVICE_ACCOUNT_EMAIL="$SERVICE_ACCOUNT_ID@$PROJECT.iam.gserviceaccount.com"
  SERVICE_ACCOUNT_MEMBER="serviceAccount:$SERVICE_ACCOUNT_EMAIL"
  REGISTRY_HOST="$REGION-docker.pkg.dev"
  IMAGE="$REGISTRY_HOST/$PROJECT/$AR_REPOSITORY/pullworker:$IMAGE_TAG"
  NETWORK_TAG="$NAME"
  TEMPLATE_PREFIX="$NAME-template"
  MIG="$NAME-mig"
  HEALTH_CHECK="$NAME-healthz"
  FIREWALL_RULE="$NAME-allow-health-checks"
  ROUTER="$NAME-router"
  NAT="$NAME-nat"
  SUBSCRIPTION_PATH="projects/$PROJECT/subscriptions/$SUBSCRIPTION"
}

# The Pub/Sub service agent needs the project *number*; a dry run cannot look it up.
project_number() {
  if [[ -n ${PROJECT_NUMBER:-} ]]; then
    printf '%s\n' "$PROJECT_NUMBER"
  elif [[ $DRY_RUN == true ]]; then
    die "PROJECT_NUMBER is required with --dry-run (a dry run does not call gcloud to look it up)"
  else
    gcloud projects describe "$PROJECT" --format='value(projectNumber)'
  fi
}

# Prints one command as a shell line that can be pasted back: plain words bare, others single-quoted.
print_command() {
  local out="" arg
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
      out+="$arg "
    elif [[ $arg =~ ^(--[a-z0-9-]+=)(.*)$ ]]; then
      out+="${BASH_REMATCH[1]}$(quote_word "${BASH_REMATCH[2]}") "
    else
      out+="$(quote_word "$arg") "
    fi
  done
  printf '%s\n' "${out% }"
}

quote_word() {
  local q="'\\''"
  printf "'%s'" "${1//\'/$q}"
}

# Runs a mutating command, or under --dry-run prints it to stdout and runs nothing.
run() {
  if [[ $DRY_RUN == true ]]; then
    print_command "$@"
  else
    printf '+ ' >&2
    print_command "$@" >&2
    "$@"
  fi
}

# Describe-before-create: true when the describe command succeeds, false when it reports the resource
# missing; any other failure (auth, permissions, a typo) stops the script with gcloud's message.
resource_exists() {
  if [[ $DRY_RUN == true ]]; then
    [[ $DRY_RUN_ASSUME_EXISTS == true ]]
    return
  fi
  local stderr
  if stderr="$("$@" 2>&1 >/dev/null)"; then
    return 0
  fi
  if grep -qiE 'not[ _]found|404' <<<"$stderr"; then
    return 1
  fi
  printf '%s\n' "$stderr" >&2
  die "could not tell whether the resource exists: $(print_command "$@")"
}

# IAM bindings cannot be described one by one: read the resource's policy (the get-iam-policy
# command given after role and member) and look for the pair, whatever its condition.
binding_exists() {
  local role="$1" member="$2"
  shift 2
  if [[ $DRY_RUN == true ]]; then
    [[ $DRY_RUN_ASSUME_EXISTS == true ]]
    return
  fi
  [[ -n "$("$@" --flatten='bindings[].members' \
    --filter="bindings.role=$role AND bindings.members=$member" --format='value(bindings.role)')" ]]
}

# The IAM condition that limits the worker to reading one model object (see infra/README.md).
model_condition() {
  local uri="$1" index="$2"
  local bucket="${uri#gs://}"
  bucket="${bucket%%/*}"
  local object="${uri#gs://"$bucket"/}"
  printf 'expression=resource.name == "projects/_/buckets/%s/objects/%s",title=%s-model-%s' \
    "$bucket" "$object" "$NAME" "$index"
}

model_bucket() {
  local bucket="${1#gs://}"
  printf '%s\n' "${bucket%%/*}"
}

# The worker's configuration, one KEY=VALUE per line, for docker --env-file (keys: docs/configuration.md).
worker_env() {
  printf 'Worker__Subscription=%s\n' "$SUBSCRIPTION_PATH"
  printf 'Worker__Results=gs://%s/%s\n' "$RESULTS_BUCKET" "$RESULTS_PREFIX"
  local i=0 bucket uri pair
  for bucket in $INPUT_BUCKETS; do
    printf 'Worker__InputBuckets__%d=%s\n' "$i" "$bucket"
    i=$((i + 1))
  done
  i=0
  for uri in $MODEL_URIS; do
    printf 'Pipeline__Stages__%d__Model=%s\n' "$i" "$uri"
    i=$((i + 1))
  done
  printf 'Pipeline__Device=cuda\n'
  printf 'Shutdown__Grace=%s\n' "$(seconds_to_timespan "$SHUTDOWN_GRACE_SECONDS")"
  printf 'Health__Port=%s\n' "$HEALTH_PORT"
  printf 'Logging__Format=json\n'
  for pair in $WORKER_ENV_EXTRA; do
    [[ $pair =~ ^[A-Za-z][A-Za-z0-9_]*=.+ ]] || die "WORKER_ENV_EXTRA entries must be KEY=VALUE, got '$pair'"
    printf '%s\n' "$pair"
  done
}

seconds_to_timespan() {
  local s="$1"
  printf '%02d:%02d:%02d' $((s / 3600)) $((s % 3600 / 60)) $((s % 60))
}

# Fills the __PLACEHOLDERS__ of instance-template.yaml. Pure bash, so a dry run needs nothing else.
render_template() {
  local text
  text="$(<"$REPO_ROOT/instance-template.yaml")"
  local env_lines env_escaped
  env_lines="$(worker_env)"
  # The env file travels as one YAML double-quoted scalar; validate_config keeps quotes and
  # backslashes out, so newlines are the only characters to escape.
  env_escaped="${env_lines//$'\n'/\\n}\\n"
  local -A values=(
    [PROJECT]="$PROJECT"
    [REGION]="$REGION"
    [NETWORK]="$NETWORK"
    [SUBNET]="$SUBNET"
    [NAME]="$NAME"
    [NETWORK_TAG]="$NETWORK_TAG"
    [MACHINE_TYPE]="$MACHINE_TYPE"
    [ACCELERATOR_TYPE]="$ACCELERATOR_TYPE"
    [ACCELERATOR_COUNT]="$ACCELERATOR_COUNT"
    [BOOT_IMAGE]="$BOOT_IMAGE"
    [BOOT_DISK_GB]="$BOOT_DISK_GB"
    [SERVICE_ACCOUNT_EMAIL]="$SERVICE_ACCOUNT_EMAIL"
    [IMAGE]="$IMAGE"
    [REGISTRY_HOST]="$REGISTRY_HOST"
    [GPU_DRIVER_VERSION]="$GPU_DRIVER_VERSION"
    [HEALTH_PORT]="$HEALTH_PORT"
    [STOP_TIMEOUT_SECONDS]="$STOP_TIMEOUT_SECONDS"
    [WORKER_ENV]="$env_escaped"
  )
  local key
  for key in "${!values[@]}"; do
    text="${text//__${key}__/${values[$key]}}"
  done
  if [[ $text =~ __[A-Z][A-Z0-9_]*__ ]]; then
    die "instance-template.yaml has an unknown placeholder ${BASH_REMATCH[0]}"
  fi
  printf '%s\n' "$text"
}

# Templates are immutable, so the name carries a hash of the rendered content: a changed config gets
# a new template, an unchanged one is found by describe and left alone.
rendered_template_path() {
  printf '%s/instance-template.rendered.yaml\n' "$RENDER_DIR"
}

template_name() {
  local text hash
  text="$(render_template)"
  hash="$(sha256sum <<<"$text")"
  printf '%s-%s\n' "$TEMPLATE_PREFIX" "${hash:0:10}"
}
