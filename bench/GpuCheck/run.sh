#!/usr/bin/env bash
# Runs the packed GPU self-check on a machine without .NET (see docs/benchmarks/gpu.md).
# Usage: run.sh PARTS_DIR OUT_DIR [gpucheck options]   (options default to: --device cuda)
# Reassembles the parts (checked against SHA256SUMS) into $GPUCHECK_WORK (default /tmp/gpucheck), points
# LD_LIBRARY_PATH at the CUDA 13 and cuDNN 9 libraries of Python's nvidia-* packages, prints nvidia-smi, runs the
# check and leaves gpucheck.json, gpucheck.md and gpucheck.log in OUT_DIR. Exit code: the check's (0 passed,
# 1 setup problem, 2 outputs differ from the CPU run).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 PARTS_DIR OUT_DIR [gpucheck options]" >&2
  exit 1
fi
parts=$(cd "$1" && pwd)
out=$2
shift 2
if [ $# -eq 0 ]; then
  set -- --device cuda
fi
work=${GPUCHECK_WORK:-/tmp/gpucheck}
mkdir -p "$out" "$work"

started=$SECONDS
python3 - "$parts" "$work" <<'PY'
import glob, hashlib, os, shutil, sys, tarfile

parts_dir, work = sys.argv[1], sys.argv[2]
with open(os.path.join(parts_dir, "SHA256SUMS")) as sums_file:
    sums = sums_file.read()
expected = dict(reversed(line.split()) for line in sums.splitlines() if line.strip())
stamp = os.path.join(work, "unpacked.SHA256SUMS")
if os.path.exists(stamp) and open(stamp).read() == sums:
    print("run.sh: parts already unpacked in", work)
    sys.exit(0)

missing = [name for name in sorted(expected) if not os.path.exists(os.path.join(parts_dir, name))]
if missing:
    sys.exit(f"run.sh: missing parts in {parts_dir}: {', '.join(missing)} (each must travel in an earlier command)")
archive = os.path.join(work, "gpucheck.tar.xz")
with open(archive, "wb") as whole:
    for name in sorted(expected):
        digest = hashlib.sha256()
        with open(os.path.join(parts_dir, name), "rb") as part:
            for block in iter(lambda: part.read(1 << 20), b""):
                digest.update(block)
                whole.write(block)
        if digest.hexdigest() != expected[name]:
            sys.exit(f"run.sh: {name} is damaged (SHA-256 differs from SHA256SUMS); send it again")
shutil.rmtree(os.path.join(work, "gpucheck"), ignore_errors=True)
with tarfile.open(archive, "r:xz") as tar:
    tar.extractall(work, filter="tar")
os.remove(archive)
with open(stamp, "w") as stamp_file:
    stamp_file.write(sums)
print("run.sh: unpacked", len(expected), "parts into", work)
PY
echo "run.sh: reassembled in $((SECONDS - started)) s"

# CUDA 13 and cuDNN 9 as Python's nvidia-* wheels install them: site-packages/nvidia/<name>/lib.
nvidia_libs=$(python3 -c '
import glob, os, site
roots = site.getsitepackages() + [site.getusersitepackages()]
print(":".join(d for root in roots for d in sorted(glob.glob(os.path.join(root, "nvidia", "*", "lib")))))')
export LD_LIBRARY_PATH="${nvidia_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for lib in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libcufft.so.12 libcudnn.so.9; do
  found=$(IFS=:; for dir in $LD_LIBRARY_PATH; do [ -e "$dir/$lib" ] && { echo "$dir"; break; }; done; true)
  echo "run.sh: $lib: ${found:-NOT FOUND}"
done

if command -v nvidia-smi > /dev/null; then
  nvidia-smi | tee "$out/nvidia-smi.txt" || echo "run.sh: nvidia-smi failed; the check runs anyway"
else
  echo "run.sh: nvidia-smi not found"
fi

set +e
"$work/gpucheck/PullWorker.GpuCheck" --out "$out" "$@" 2>&1 | tee "$out/gpucheck.log"
status=${PIPESTATUS[0]}
echo "run.sh: the check exited with $status after $((SECONDS - started)) s in all"
exit "$status"
