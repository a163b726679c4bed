#!/usr/bin/env bash
# Prepares a Temporal cluster for the engine, idempotently; the loopback topology and
# docker-compose.yml both run it.
#
#   setup.sh schema      creates Temporal's two PostgreSQL databases if asked (TEMPORAL_CREATE_DATABASES=yes)
#                        and brings their schemas to the server's version
#   setup.sh namespace   registers the engine's namespace once the frontend serves, and waits
#                        until the frontend knows it
#
# Settings: TEMPORAL_DB_ADDRESS (host:port), TEMPORAL_DB_USER (temporal), TEMPORAL_DB_PASSWORD,
# TEMPORAL_SCHEMA_DIR (the server module's schema/postgresql/v12), TEMPORAL_SQL_TOOL, TEMPORAL_CLI,
# TEMPORAL_ADDRESS (the frontend), TEMPORAL_NAMESPACE (default), TEMPORAL_NAMESPACE_RETENTION (90d),
# and the operator's certificate for the frontend's mutual TLS: TEMPORAL_TLS_CERT_FILE,
# TEMPORAL_TLS_KEY_FILE, TEMPORAL_TLS_CA_FILE, TEMPORAL_TLS_SERVER_NAME (temporal-frontend).
set -euo pipefail

fail() { printf 'temporal setup: %s\n' "$*" >&2; exit 1; }
# Runs a command, showing its output only when it fails.
quietly() {
  local output
  output=$("$@" 2>&1) || { printf '%s\n' "$output" >&2; return 1; }
}

schema() {
  : "${TEMPORAL_DB_ADDRESS:?set TEMPORAL_DB_ADDRESS to the host:port of PostgreSQL}"
  : "${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD}"
  : "${TEMPORAL_SCHEMA_DIR:?set TEMPORAL_SCHEMA_DIR to the folder holding temporal/ and visibility/}"
  local tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
  local host="${TEMPORAL_DB_ADDRESS%:*}" port="${TEMPORAL_DB_ADDRESS##*:}"
  local database schema_name
  for database in temporal temporal_visibility; do
    schema_name=temporal
    [ "$database" = temporal_visibility ] && schema_name=visibility
    local sql=("$tool" --plugin postgres12 --ep "$host" -p "$port" -u "${TEMPORAL_DB_USER:-temporal}" --pw "$TEMPORAL_DB_PASSWORD" --db "$database")
    if [ "${TEMPORAL_CREATE_DATABASES:-no}" = yes ]; then
      # Fails when the database exists, which is the case on every start but the first.
      "${sql[@]}" create-database >/dev/null 2>&1 || true
    fi
    quietly "${sql[@]}" setup-schema -v 0.0 || fail "could not set up the $database schema (see above)"
    quietly "${sql[@]}" update-schema -d "$TEMPORAL_SCHEMA_DIR/$schema_name/versioned" || fail "could not update the $database schema (see above)"
  done
}

namespace() {
  : "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS to the host:port of the frontend}"
  : "${TEMPORAL_TLS_CERT_FILE:?set TEMPORAL_TLS_CERT_FILE to the operator's client certificate (PEM)}"
  : "${TEMPORAL_TLS_KEY_FILE:?set TEMPORAL_TLS_KEY_FILE to its private key}"
  : "${TEMPORAL_TLS_CA_FILE:?set TEMPORAL_TLS_CA_FILE to the CA that signed the frontend's certificate}"
  local cli="${TEMPORAL_CLI:-temporal}" name="${TEMPORAL_NAMESPACE:-default}"
  local frontend=(--address "$TEMPORAL_ADDRESS" --tls-cert-path "$TEMPORAL_TLS_CERT_FILE" --tls-key-path "$TEMPORAL_TLS_KEY_FILE"
    --tls-ca-path "$TEMPORAL_TLS_CA_FILE" --tls-server-name "${TEMPORAL_TLS_SERVER_NAME:-temporal-frontend}")
  local deadline=$((SECONDS + 120))
  until "$cli" operator namespace describe "${frontend[@]}" --namespace "$name" >/dev/null 2>&1; do
    "$cli" operator namespace create "${frontend[@]}" --namespace "$name" --retention "${TEMPORAL_NAMESPACE_RETENTION:-90d}" >/dev/null 2>&1 || true
    [ $SECONDS -lt $deadline ] || fail "the frontend at $TEMPORAL_ADDRESS did not register namespace $name within 120 s: $("$cli" operator namespace describe "${frontend[@]}" --namespace "$name" 2>&1 | tail -1)"
    sleep 1
  done
  # The frontend serves a new namespace once its namespace cache refreshes (about 10 s).
  until "$cli" operator search-attribute list "${frontend[@]}" --namespace "$name" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "the frontend at $TEMPORAL_ADDRESS does not serve namespace $name after 120 s"
    sleep 1
  done
}

case "${1:-}" in
  schema) schema ;;
  namespace) namespace ;;
  *) fail "usage: $0 schema|namespace" ;;
esac
