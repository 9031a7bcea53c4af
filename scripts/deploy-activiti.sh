#!/usr/bin/env bash
# deploy-activiti.sh: deploy the BPMN processes to an Activiti 6 REST endpoint with curl.
#
# A documented manual step: no test runs it, since no Activiti can run here. Use it once against a
# real engine to prove that the committed files deploy unchanged.
#
#   ACTIVITI_URL=http://localhost:8080/activiti-rest/service \
#   ACTIVITI_USER=kermit ACTIVITI_PASSWORD=... scripts/deploy-activiti.sh [process files...]
#
# Default files: manifests/bpmn/processes/*.bpmn20.xml. Each file becomes one deployment
# (POST repository/deployments, multipart); Activiti validates it against the BPMN XSD on the way in and
# answers 400 with the reason when it does not pass.
#
# Before a process can run there, install the suite command on the Activiti host at
# /opt/soccrates/bin/soccrates (scripts/install.sh), because every shell task calls that path.
#
# Activiti 7 (Spring Boot) has no such endpoint: copy the *.bpmn20.xml and *-extensions.json files into
# the application's classpath folder processes/ instead; it deploys them at start-up.
#
# Start a UC1 instance afterwards, for example:
#   curl -u "$ACTIVITI_USER:$ACTIVITI_PASSWORD" -H 'Content-Type: application/json' \
#     -d '{"processDefinitionKey":"uc1OngoingAttack","variables":[
#          {"name":"alertFile","value":"/data/eve.json"},{"name":"workDir","value":"/var/soccrates/run1"}]}' \
#     "$ACTIVITI_URL/runtime/process-instances"
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
url=${ACTIVITI_URL:?set ACTIVITI_URL, e.g. http://localhost:8080/activiti-rest/service}
user=${ACTIVITI_USER:?set ACTIVITI_USER}
password=${ACTIVITI_PASSWORD:?set ACTIVITI_PASSWORD}

if [ $# -eq 0 ]; then
  set -- "$root"/manifests/bpmn/processes/*.bpmn20.xml
fi
for file in "$@"; do
  echo "deploy: $file"
  # The credentials go through curl's config on stdin, not the command line that ps shows.
  printf 'user = "%s:%s"\n' "$user" "$password" |
    curl --config - --fail-with-body --silent --show-error \
      -F "file=@$file" "$url/repository/deployments"
  echo
done
