#!/usr/bin/env bash
# Builds in Release and runs every benchmark (about 12 minutes on 2 cores), then writes
# docs/benchmarks/report.md and its plots. Arguments go to the bench, e.g.:
#   ./bench.sh                  all parts
#   ./bench.sh pathology        one part (throughput, pathology, batching, backlog, coldstart, resultwrites), report regenerated
#   ./bench.sh report           only regenerate the report from docs/benchmarks/data/*.json
#   ./bench.sh all --quick      short windows, to check the harness
#   ./bench.sh layouts --trace  part 7 plus its CPU breakdown by stage; needs the bench's own dotnet-trace:
#                               dotnet tool install dotnet-trace --tool-path bench/.tools
set -euo pipefail
cd "$(dirname "$0")"
# Parts 4 and 5 start the worker as its own process: dotnet src/Worker/bin/Release/net10.0/PullWorker.Worker.dll
dotnet build src/Worker -c Release --nologo -v quiet
dotnet build bench/Bench -c Release --nologo -v quiet
exec dotnet run -c Release --no-build --project bench/Bench -- "$@"
