#!/usr/bin/env bash
# Runs every test from a fresh clone: restore, build, the NUnit suites, then Google's official Node
# clients against the emulator. Ends with one line "N passed, N failed" counting both.
# Usage: ./test.sh [extra dotnet test args], e.g. ./test.sh --filter "Category=Slow" for the slow suites.
set -euo pipefail
cd "$(dirname "$0")"

log_dir=TestResults
mkdir -p "$log_dir"
passed=0
failed=0

section() { printf '\n== %s\n' "$*"; }

section "tools the deployment checks need (Debian packages)"
if ! command -v shellcheck >/dev/null || ! command -v yamllint >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck yamllint >/dev/null
fi

section "restore and build"
dotnet restore Worker.sln
dotnet build Worker.sln -c Release --no-restore

section "NUnit suites"
filter=(--filter "Category!=Slow")
[ $# -gt 0 ] && filter=("$@")
dotnet test Worker.sln -c Release --no-build "${filter[@]}" 2>&1 | tee "$log_dir/dotnet-test.log" || true
# VSTest prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, ...".
read -r nunit_passed nunit_failed < <(
  grep -E '(Passed|Failed)! +- Failed: ' "$log_dir/dotnet-test.log" |
    sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+).*/\2 \1/' |
    awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }')
# A suite that crashed or failed to start prints no summary: count it as a failure.
if grep -qE 'Test Run Aborted|The active test run was aborted|error MSB|Testhost process .* exited' "$log_dir/dotnet-test.log"; then
  nunit_failed=$((nunit_failed + 1))
fi
passed=$((passed + nunit_passed))
failed=$((failed + nunit_failed))

section "the image's publish step (from the Dockerfile, without Docker)"
# CI builds what the image builds: the Dockerfile's own `dotnet publish` line, into a scratch folder, and
# the image is only useful if ONNX Runtime's CUDA provider is in the output.
publish_dir=$(mktemp -d)
publish_cmd=$(sed -n '/^RUN dotnet publish/,/[^\\]$/p' Dockerfile | sed -e 's/^RUN //' -e 's/\\$//' | tr '\n' ' ')
publish_cmd=${publish_cmd/ -o \/app/ -o $publish_dir}
echo "$publish_cmd"
if [[ "$publish_cmd" == "dotnet publish "* ]] && eval "$publish_cmd" >"$log_dir/publish.log" 2>&1 &&
  [ -f "$publish_dir/libonnxruntime_providers_cuda.so" ]; then
  echo "published $(du -sh "$publish_dir" | cut -f1), CUDA provider $(du -h "$publish_dir/libonnxruntime_providers_cuda.so" | cut -f1)"
  passed=$((passed + 1))
else
  tail -20 "$log_dir/publish.log" >&2 || true
  echo "FAILED: the Dockerfile's publish step failed or its output lacks libonnxruntime_providers_cuda.so" >&2
  failed=$((failed + 1))
fi
# The image carries the daemon only: not the tools (demo, submit, results) nor the emulator, nor what only they use.
strays=()
for name in PullWorker.Worker.dll PullWorker.Tools.dll PullWorker.Emulator.dll Spectre.Console.dll System.CommandLine.dll \
  Grpc.AspNetCore.Server.dll; do
  present=no
  [ -f "$publish_dir/$name" ] && present=yes
  if [ "$name" = PullWorker.Worker.dll ]; then [ $present = yes ] || strays+=("(missing) $name"); else [ $present = no ] || strays+=("$name"); fi
done
if [ ${#strays[@]} -eq 0 ]; then
  echo "the published daemon holds no tool or emulator assembly"
  passed=$((passed + 1))
else
  echo "FAILED: the published daemon is not the daemon alone: ${strays[*]}" >&2
  failed=$((failed + 1))
fi
rm -rf "$publish_dir"

section "Node interop suite (official Google clients against the emulator)"
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
emulator_log="$log_dir/emulator.log"
dotnet src/Emulator/bin/Release/net10.0/PullWorker.Emulator.dll --pubsub-port 0 --storage-port 0 \
  >"$emulator_log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q '^export STORAGE_EMULATOR_HOST=' "$emulator_log" && break
  kill -0 "$emulator_pid" 2>/dev/null || break
  sleep 0.1
done
if grep -q '^export STORAGE_EMULATOR_HOST=' "$emulator_log"; then
  eval "$(grep '^export ' "$emulator_log")"
  (cd tests/interop && timeout 900 node --test --test-concurrency=1 ./*.test.mjs) 2>&1 |
    tee "$log_dir/interop.log" || true
  interop_passed=$(sed -nE 's/^(ℹ|#) pass ([0-9]+)$/\2/p' "$log_dir/interop.log" | tail -1)
  interop_failed=$(sed -nE 's/^(ℹ|#) fail ([0-9]+)$/\2/p' "$log_dir/interop.log" | tail -1)
  passed=$((passed + ${interop_passed:-0}))
  failed=$((failed + ${interop_failed:-1}))
else
  echo "the emulator did not start; its output:" >&2
  cat "$emulator_log" >&2
  failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
