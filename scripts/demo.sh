#!/usr/bin/env bash
# demo.sh BIN_DIR OUT_DIR: use case 1 end to end with the embedded engine, on each bundled CPTC-2017
# team's real Suricata alerts, approval given; then a readable summary per team. Run by `make demo`.
#
# First it fills a knowledge store, OUT_DIR/knowledge.db, with the SYNTHETIC site model of
# testdata/demo (README.md there): the nmap report through InfraModel, then the ArchiMate business
# model through BusinessImpact. The suite configuration is the site configuration with @OUT_DIR@ and
# @DEMO_DIR@ replaced, so that AttackGraph, BusinessImpact, CourseOfAction and ResponsePlanner (RORI)
# read that store.
#
# ALERTS="file ..." overrides the alert files; SOCCRATES_CONFIG overrides the site configuration
# (default testdata/demo/cptc-site.json). OUT_DIR is emptied first; every report, log and CACAO
# playbook stays in OUT_DIR/<name>/ for reading.
set -euo pipefail
bin=${1:?usage: demo.sh BIN_DIR OUT_DIR}
out=${2:?usage: demo.sh BIN_DIR OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$bin" && pwd)
demo=$root/testdata/demo
alerts=${ALERTS:-"$root/testdata/alerts/NationalTeam2.json.gz $root/testdata/alerts/NationalTeam5.json.gz $root/testdata/alerts/NationalTeam9.json.gz"}
site=${SOCCRATES_CONFIG:-$demo/cptc-site.json}

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
config=$out/suite.json
sed -e "s|@OUT_DIR@|$out|g" -e "s|@DEMO_DIR@|$demo|g" "$site" >"$config"

# step NAME ARGS...: one suite verb, its token shown; a failed step stops the demo.
step() {
  local name=$1
  shift
  local token
  if ! token=$("$bin/soccrates" --bin "$bin" --config "$config" "$@"); then
    echo "$name failed (token ${token:-none}); see the job folder's log" >&2
    exit 1
  fi
  echo "$name: $token"
}

echo "=== Knowledge store: $out/knowledge.db (SYNTHETIC site model, testdata/demo/README.md)"
step "infrastructure model (InfraModel, nmap)" analyze InfraModel file "$demo/cptc-nmap.xml" "$out/store/infra"
step "business model (BusinessImpact, ArchiMate)" analyze BusinessImpact file "$demo/cptc-election.archimate.xml" "$out/store/business"
echo

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
