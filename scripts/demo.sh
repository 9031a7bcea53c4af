#!/usr/bin/env bash
# demo.sh BIN_DIR OUT_DIR: use case 1 end to end with the embedded engine, on each bundled CPTC-2017
# team's real Suricata alerts, approval given; then a readable summary per team. Run by `make demo`.
#
# ALERTS="file ..." overrides the alert files; SOCCRATES_CONFIG overrides the site configuration
# (default testdata/demo/cptc-site.json). OUT_DIR is emptied first; every report, log and CACAO
# playbook stays in OUT_DIR/<name>/ for reading.
set -euo pipefail
bin=${1:?usage: demo.sh BIN_DIR OUT_DIR}
out=${2:?usage: demo.sh BIN_DIR OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$bin" && pwd)
alerts=${ALERTS:-"$root/testdata/alerts/NationalTeam2.json.gz $root/testdata/alerts/NationalTeam5.json.gz $root/testdata/alerts/NationalTeam9.json.gz"}
config=${SOCCRATES_CONFIG:-$root/testdata/demo/cptc-site.json}

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
for file in $alerts; do
  name=$(basename "$file")
  name=${name%%.*}
  echo "=== UC1 ongoing attack: $name ($file)"
  "$bin/soccrates" --bin "$bin" --config "$config" run "$root/manifests/bpmn/processes/uc1OngoingAttack.bpmn20.xml" \
    --approve --var "alertFile=$file" --var "workDir=$out/$name"
  echo
  "$bin/soccrates" summary "$out/$name"
  echo
done
echo "Reports, logs and CACAO playbooks: $out/<team>/ (playbook.json in each)"
