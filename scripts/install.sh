#!/usr/bin/env bash
# install.sh: install the soccrates suite command and the Cortex workers.
#
#   scripts/install.sh                 build what is missing, install under /opt/soccrates
#   PREFIX=/tmp/s scripts/install.sh   install somewhere else
#
# Environment: PREFIX (default /opt/soccrates), BIN (built executables, default ./bin; built with
# `make build` when it has no soccrates), DIST (Cortex layout, default ./dist; made with
# scripts/dist.sh when absent).
#
# Result:
#   $PREFIX/bin/soccrates                   the command every BPMN shell task calls
#   $PREFIX/analyzers/<W>/<W> + manifest    point Cortex's analyzer.urls here
#   $PREFIX/responders/<W>/<W> + manifest   point Cortex's responder.urls here
#   $PREFIX/processes/*                     the BPMN processes, for scripts/deploy-activiti.sh
#
# The committed processes call /opt/soccrates/bin/soccrates: with another PREFIX they only run through
# `soccrates run`, which maps that path to itself, or after editing the command field.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-/opt/soccrates}
bin=${BIN:-$root/bin}
dist=${DIST:-$root/dist}

if [ ! -x "$bin/soccrates" ]; then
  echo "install: no $bin/soccrates, building with make build"
  make -C "$root" build
  bin=$root/bin
fi
if [ ! -d "$dist/analyzers" ] && [ ! -d "$dist/responders" ]; then
  echo "install: no $dist, laying it out from $bin"
  "$root/scripts/dist.sh" "$bin" "$dist"
fi

install -d "$prefix/bin" "$prefix/processes"
install -m 0755 "$bin/soccrates" "$prefix/bin/soccrates"
echo "install: $prefix/bin/soccrates"

for kind in analyzers responders; do
  [ -d "$dist/$kind" ] || continue
  for folder in "$dist/$kind"/*/; do
    [ -d "$folder" ] || continue
    name=$(basename "$folder")
    rm -rf "$prefix/$kind/$name"
    install -d "$prefix/$kind/$name"
    cp -p "$folder"* "$prefix/$kind/$name/"
    echo "install: $prefix/$kind/$name"
  done
done

for process in "$root"/manifests/bpmn/processes/*; do
  [ -f "$process" ] || continue
  install -m 0644 "$process" "$prefix/processes/"
  echo "install: $prefix/processes/$(basename "$process")"
done

if [ "$prefix" != /opt/soccrates ]; then
  echo "install: note: the processes call /opt/soccrates/bin/soccrates, not $prefix/bin/soccrates" >&2
fi
