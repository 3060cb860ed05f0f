#!/usr/bin/env bash
# Run every benchmark in turn (a-e + the profile); output also goes to benchmarks/results/.
# Usage: benchmarks/run_all.sh [python]   (default: the project's .venv, else python3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="${1:-}"
if [[ -z "$py" ]]; then
  if [[ -x "$here/../.venv/bin/python" ]]; then py="$here/../.venv/bin/python"; else py=python3; fi
fi
mkdir -p "$here/results"
log="$here/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
for script in bench_generate bench_serde bench_http bench_import bench_scaling profile_generate; do
  echo "== $script" | tee -a "$log"
  "$py" "$here/$script.py" 2> >(tee -a "$log.stderr" >&2) | tee -a "$log"
done
echo "results: $log"
