#!/usr/bin/env bash
# Packs the GPU self-check for a GPU machine without .NET or network (see docs/benchmarks/gpu.md):
# a self-contained linux-x64 publish with ONNX Runtime's CUDA 13 natives, tar + xz (Python's tarfile reads it),
# split into parts of at most 60 MiB, with SHA256SUMS and run.sh beside them.
# Usage: bench/GpuCheck/pack.sh [OUTPUT_DIR]   (default bench/GpuCheck/pack, an ignored folder)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/pack}
part_size=60M
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
timings=()
step() { # step NAME COMMAND...: runs it and remembers how long it took
  local name=$1 started=$SECONDS
  shift
  "$@"
  timings+=("$name: $((SECONDS - started)) s")
}

publish() {
  # The engine's ONNX Runtime is Microsoft.ML.OnnxRuntime.Gpu.Linux (CUDA 13), so the publish carries the CUDA provider.
  dotnet publish "$here/GpuCheck.csproj" -c Release -r linux-x64 --self-contained \
    -p:DebugType=none -p:GenerateDocumentationFile=false \
    -o "$stage/gpucheck" --nologo -v quiet
  # TensorRT is not used (and its libraries are not on the GPU machine); symbols are not needed there.
  rm -f "$stage/gpucheck/libonnxruntime_providers_tensorrt.so" "$stage"/gpucheck/*.pdb "$stage"/gpucheck/*.xml
  test -f "$stage/gpucheck/libonnxruntime_providers_cuda.so" || { echo "pack: the CUDA provider is missing from the publish" >&2; exit 1; }
}

compress() {
  rm -rf "$out" && mkdir -p "$out"
  tar -C "$stage" -cf - gpucheck | xz -T0 -6 > "$stage/gpucheck.tar.xz"
}

split_parts() {
  split -b "$part_size" -d -a 2 "$stage/gpucheck.tar.xz" "$out/gpucheck.tar.xz.part"
  (cd "$out" && sha256sum gpucheck.tar.xz.part* > SHA256SUMS)
  cp "$here/run.sh" "$out/run.sh"
}

step "publish (self-contained, CUDA natives)" publish
step "tar + xz -6" compress
step "split into $part_size parts" split_parts

echo "published: $(du -sb "$stage/gpucheck" | cut -f1) bytes in $(find "$stage/gpucheck" -type f | wc -l) files"
echo "compressed: $(stat -c %s "$stage/gpucheck.tar.xz") bytes"
for part in "$out"/gpucheck.tar.xz.part*; do
  echo "  $(basename "$part"): $(stat -c %s "$part") bytes ($(( $(stat -c %s "$part") / 1048576 )) MiB)"
done
printf '%s\n' "${timings[@]}"
echo "parts in $out"
