#!/usr/bin/env bash
# dist.sh BIN_DIR DIST_DIR: lays out the folders Cortex 3/4 loads in process mode.
#
#   DIST_DIR/analyzers/<Folder>/<Name>.json + <Folder> (static binary)
#   DIST_DIR/responders/<Folder>/<Name>.json + <Folder>
#
# Point Cortex's analyzer.urls at DIST_DIR/analyzers and responder.urls at DIST_DIR/responders.
# Each manifest's "command" is "<Folder>/<Folder>", relative to those roots.
set -euo pipefail
bin=${1:?usage: dist.sh BIN_DIR DIST_DIR}
dist=${2:?usage: dist.sh BIN_DIR DIST_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)

rm -rf "$dist/analyzers" "$dist/responders"
for kind in analyzers responders; do
  for manifest in "$root"/manifests/$kind/*.json; do
    [ -e "$manifest" ] || continue
    command=$(sed -n 's/^ *"command": *"\([^"]*\)".*/\1/p' "$manifest")
    folder=${command%%/*}
    binary=${command#*/}
    if [ -z "$folder" ] || [ ! -x "$bin/$binary" ]; then
      echo "dist: $manifest names command '$command' but $bin/$binary was not built" >&2
      exit 1
    fi
    mkdir -p "$dist/$kind/$folder"
    cp "$manifest" "$dist/$kind/$folder/"
    cp "$bin/$binary" "$dist/$kind/$folder/$binary"
    echo "dist/$kind/$folder: $(basename "$manifest") + $binary"
  done
done
