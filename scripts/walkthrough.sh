#!/usr/bin/env bash
# Walks one licence through the HTTP API of a running engine (`npm start`), printing each curl
# call and its answer: registration, the first reminder, a renewal application, the approved
# decision, the regulator's receipt and the new licence's own workflow.
#
#   API_KEY=<an approval system's key> bash scripts/walkthrough.sh [API base URL, default http://127.0.0.1:3000]
#
# The key is the one `npm start` printed on the first start (or BOOTSTRAP_API_KEY), for bureau weihai.
set -euo pipefail

API="${1:-http://127.0.0.1:3000}"
: "${API_KEY:?set API_KEY to an approval system key of bureau weihai (npm start prints the first one)}"
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "walkthrough: needs $tool (apt-get install $tool)" >&2; exit 1; }
done

# A number that differs per run, so that the walk can be repeated on the same engine.
SERIAL="$(date +%s)"
NUMBER="鲁威药经${SERIAL}"
NEW_NUMBER="鲁威药经${SERIAL}R"
TODAY="$(TZ=Asia/Shanghai date +%F)"
# Expires in 60 days: the three-month reminder window is already open.
EXPIRES="$(TZ=Asia/Shanghai date -d '+60 days' +%F)"
# Issued five years before, as the catalogue's 5年 says.
ISSUED="$(TZ=Asia/Shanghai date -d '+61 days -5 years' +%F)"
RENEWED_UNTIL="$(TZ=Asia/Shanghai date -d '+5 years' +%F)"

# Prints the curl command, runs it, prints the answer (pretty) and keeps it in $ANSWER.
call() {
  local method="$1" path="$2" body="${3:-}" filter="${4:-.}"
  if [[ -n "$body" ]]; then
    printf '\n$ curl -s -X %s %s%s -H "content-type: application/json" -d '\''%s'\''\n' "$method" "$API" "$path" "$body"
    ANSWER="$(curl -s -X "$method" "$API$path" -H "authorization: Bearer $API_KEY" -H 'content-type: application/json' -d "$body")"
  else
    printf '\n$ curl -s %s%s\n' "$API" "$path"
    ANSWER="$(curl -s -X "$method" "$API$path" -H "authorization: Bearer $API_KEY")"
  fi
  jq "$filter" <<<"$ANSWER"
}

call POST /api/v1/licences "{\"bureau\":\"weihai\",\"licenceNumber\":\"$NUMBER\",\"licenceType\":\"WH01\",\"holder\":{\"name\":\"威海康宁大药房有限公司\"},\"contact\":{\"name\":\"张敏\",\"phone\":\"13800138000\"},\"issuedOn\":\"$ISSUED\",\"expiresOn\":\"$EXPIRES\"}"
LICENCE_ID="$(jq -r .id <<<"$ANSWER")"
sleep 2

echo -e "\n# The window is open: the business-system prompt went out at once; the SMS is next."
call GET "/api/v1/licences/$LICENCE_ID" '' '{stage, nextAction, steps}'

echo -e "\n# A decision before any application is refused and changes nothing."
call POST "/api/v1/licences/$LICENCE_ID/renewal-decision" "{\"decision\":\"rejected\",\"decidedOn\":\"$TODAY\"}"

call POST "/api/v1/licences/$LICENCE_ID/renewal-application" "{\"applicationNumber\":\"SQ-$SERIAL\",\"appliedOn\":\"$TODAY\"}"
sleep 1
call POST "/api/v1/licences/$LICENCE_ID/renewal-decision" "{\"decision\":\"approved\",\"decidedOn\":\"$TODAY\",\"newLicence\":{\"licenceNumber\":\"$NEW_NUMBER\",\"issuedOn\":\"$TODAY\",\"expiresOn\":\"$RENEWED_UNTIL\"}}"
sleep 3

echo -e "\n# Closed as renewed once every regulator has the decision; the receipt is recorded."
call GET "/api/v1/licences/$LICENCE_ID" '' '{stage, nextAction, regulatorDeliveries}'

call GET "/api/v1/licences/$LICENCE_ID/history"

echo -e "\n# What the regulator's endpoint received (the local simulator)."
call GET /simulators/state '' "{deliveries: [.deliveries[] | select(.body.licenceNumber == \"$NUMBER\")]}"
