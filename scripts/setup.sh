#!/usr/bin/env bash
# Makes every tool the project needs, idempotently, cached under .tools/ (ignored by git).
#
#   scripts/setup.sh          tools for running the system (Temporal CLI dev server)
#   scripts/setup.sh --run    the same (npm start calls this)
#   scripts/setup.sh --test   also Temporal's Java test server, PostgreSQL, Chromium, libfaketime, poppler-utils, the API fuzzer,
#                             and what --cluster makes, for the topology's smoke test (npm test calls this)
#   scripts/setup.sh --bench  tools for the benchmarks and drills: PostgreSQL and the vegeta load generator
#   scripts/setup.sh --cluster  the production-like topology (npm run cluster): PostgreSQL, HAProxy,
#                             OpenSSL, the Temporal server with its SQL tool, and its Web UI, built with Go
#
# When something cannot be made, it says what is missing and how to provide it, and exits 1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mode="${1:---run}"
temporal_cli_version="1.5.1"
# The server the CLI's dev server embeds; docker-compose.yml builds the same one.
temporal_server_version="1.29.1"
# The Web UI the CLI v1.5.1 embeds, built as a server of its own.
temporal_ui_version="2.42.1"
vegeta_version="12.13.0"
schemathesis_version="4.32.5"
mkdir -p "$tools/bin"

say() { printf 'setup: %s\n' "$*"; }
missing() { printf 'setup: MISSING: %s\n' "$*" >&2; exit 1; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

check_node() {
  [ -d "$root/node_modules/@temporalio/worker" ] && [ -d "$root/generated/prisma" ] ||
    missing "the npm dependencies are not installed: run 'npm ci' in $root first."
}

# The Temporal CLI has no npm package: TEMPORAL_CLI, else 'temporal' on PATH, else built with Go.
ensure_temporal_cli() {
  local cached="$tools/bin/temporal"
  if [ -n "${TEMPORAL_CLI:-}" ]; then
    [ -x "$TEMPORAL_CLI" ] || missing "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file."
    ln -sf "$TEMPORAL_CLI" "$cached"
    return
  fi
  if [ -x "$cached" ] && "$cached" --version >/dev/null 2>&1; then return; fi
  if command -v temporal >/dev/null 2>&1; then
    ln -sf "$(command -v temporal)" "$cached"
    return
  fi
  command -v go >/dev/null 2>&1 ||
    missing "the Temporal CLI. Install Go 1.25 or newer (so that 'go install' can build it) or set TEMPORAL_CLI to a temporal binary."
  say "building the Temporal CLI v$temporal_cli_version with go install (a few minutes, once)…"
  GOBIN="$tools/bin" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@v$temporal_cli_version" ||
    missing "the Temporal CLI: 'go install github.com/temporalio/cli/cmd/temporal@v$temporal_cli_version' failed (see above); is the Go module proxy reachable?"
  say "Temporal CLI ready: $("$cached" --version | head -1)"
}

ensure_java_and_maven() {
  if command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then return; fi
  if can_apt; then
    say "installing Java (with its compiler) and Maven from Debian's packages…"
    apt_install default-jdk-headless maven
    return
  fi
  missing "Java 17+ with javac, and Maven, are needed for Temporal's time-skipping test server. Install them (Debian: apt-get install default-jdk-headless maven)."
}

# Temporal's Java time-skipping test server, fetched from Maven Central by tools/temporal-test-server/pom.xml.
ensure_test_server() {
  local lib="$tools/temporal-test-server/lib" pom="$root/tools/temporal-test-server/pom.xml"
  local stamp="$tools/temporal-test-server/pom.sha256"
  local want
  want=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && ls "$lib"/temporal-test-server-*.jar >/dev/null 2>&1; then return; fi
  ensure_java_and_maven
  say "fetching Temporal's Java test server from Maven Central…"
  rm -rf "$lib"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$lib" ||
    missing "Temporal's test server: Maven could not fetch io.temporal:temporal-test-server (see above)."
  echo "$want" >"$stamp"
}

# The test server's launcher (tools/temporal-test-server/KeepAliveTestServer.java), compiled against it.
ensure_test_server_launcher() {
  local source="$root/tools/temporal-test-server/KeepAliveTestServer.java" out="$tools/temporal-test-server/launcher"
  local stamp="$out/source.sha256" want
  want=$( (cat "$source"; sha256sum "$tools/temporal-test-server/pom.sha256") | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$out/KeepAliveTestServer.class" ]; then return; fi
  ensure_java_and_maven
  say "compiling the test server's launcher…"
  rm -rf "$out" && mkdir -p "$out"
  javac -d "$out" -cp "$tools/temporal-test-server/lib/*" "$source" ||
    missing "the test server's launcher: javac could not compile $source (see above)."
  echo "$want" >"$stamp"
}

# PostgreSQL server binaries from Debian's packages, for the tests that run against a real server.
ensure_postgres() {
  if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then return; fi
  if can_apt; then
    say "installing PostgreSQL from Debian's packages…"
    apt_install postgresql
    return
  fi
  missing "PostgreSQL server binaries (initdb, pg_ctl). Install them (Debian: apt-get install postgresql)."
}

# Debian's Chromium, which the browser tests drive through playwright-core (Playwright's own
# browser download needs a host these machines may not reach).
ensure_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    [ -x "$CHROMIUM_PATH" ] || missing "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file."
    return
  fi
  local want=()
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || want+=(chromium)
  # The pages are Chinese: without a CJK font the screenshots show empty boxes.
  [ -n "$(fc-list :lang=zh 2>/dev/null)" ] || want+=(fonts-wqy-microhei)
  [ ${#want[@]} -eq 0 ] && return
  if can_apt; then
    say "installing ${want[*]} from Debian's packages (for the browser tests)…"
    apt_install "${want[@]}"
    return
  fi
  missing "Chromium and a Chinese font for the browser tests. Install them (Debian: apt-get install chromium fonts-wqy-microhei) or set CHROMIUM_PATH to a Chromium or Chrome binary."
}

# libfaketime from Debian's packages: tests that must start the time-skipping server's clock on a
# past date (the 2026 National Day holiday) run it under libfaketime.
ensure_faketime() {
  if compgen -G '/usr/lib/*/faketime/libfaketime.so.1' >/dev/null || [ -f /usr/lib/faketime/libfaketime.so.1 ]; then return; fi
  if can_apt; then
    say "installing libfaketime from Debian's packages…"
    apt_install faketime
    return
  fi
  missing "libfaketime, for tests that start the test server's clock on a past date. Install it (Debian: apt-get install faketime)."
}

# poppler-utils from Debian's packages: the letter tests read the generated PDFs back with pdftotext.
ensure_poppler() {
  if command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then return; fi
  if can_apt; then
    say "installing poppler-utils from Debian's packages…"
    apt_install poppler-utils
    return
  fi
  missing "pdftotext and pdftoppm, to read generated letters back. Install them (Debian: apt-get install poppler-utils)."
}

# vegeta, the constant-rate HTTP load generator behind the read-latency benchmark: open-loop, so a
# slow answer does not hold back the next request. Built with Go like the Temporal CLI.
ensure_vegeta() {
  # go install stamps no version into the binary: a file beside it records which one was built.
  local cached="$tools/bin/vegeta" stamp="$tools/bin/vegeta.version"
  if [ -x "$cached" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$vegeta_version" ]; then return; fi
  command -v go >/dev/null 2>&1 ||
    missing "the vegeta load generator. Install Go 1.23 or newer (so that 'go install' can build it)."
  say "building vegeta v$vegeta_version with go install (once)…"
  GOBIN="$tools/bin" GOFLAGS=-mod=mod go install "github.com/tsenart/vegeta/v12@v$vegeta_version" ||
    missing "vegeta: 'go install github.com/tsenart/vegeta/v12@v$vegeta_version' failed (see above); is the Go module proxy reachable?"
  echo "$vegeta_version" >"$stamp"
}

# Schemathesis, the OpenAPI fuzzer the tests run against /openapi.json, from PyPI into a virtual
# environment of its own under .tools, pinned.
ensure_schemathesis() {
  local venv="$tools/schemathesis" stamp="$tools/schemathesis/version"
  if [ -x "$venv/bin/schemathesis" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$schemathesis_version" ]; then return; fi
  command -v python3 >/dev/null 2>&1 || missing "python3, for the API fuzzer (schemathesis). Install Python 3.10 or newer."
  python3 -m venv --help >/dev/null 2>&1 || {
    if can_apt; then apt_install python3-venv; else missing "python3's venv module (Debian: apt-get install python3-venv)."; fi
  }
  say "installing schemathesis $schemathesis_version from PyPI into .tools/schemathesis (once)…"
  rm -rf "$venv"
  python3 -m venv "$venv" || missing "a Python virtual environment in $venv: 'python3 -m venv' failed (see above)."
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version" ||
    missing "schemathesis: 'pip install schemathesis==$schemathesis_version' failed (see above); is PyPI reachable?"
  echo "$schemathesis_version" >"$stamp"
}

# The Temporal server and its SQL tool, built with Go from the server's module (the module ships the
# PostgreSQL schemas the tool applies, copied beside them).
ensure_temporal_server() {
  local dir="$tools/temporal-server" stamp="$tools/temporal-server/version"
  if [ -x "$dir/bin/temporal-server" ] && [ -x "$dir/bin/temporal-sql-tool" ] && [ -d "$dir/schema/postgresql/v12" ] &&
    [ "$(cat "$stamp" 2>/dev/null)" = "$temporal_server_version" ]; then return; fi
  command -v go >/dev/null 2>&1 ||
    missing "the Temporal server. Install Go 1.25 or newer (so that 'go install' can build it)."
  say "building the Temporal server v$temporal_server_version and its SQL tool with go install (a few minutes, once)…"
  rm -rf "$dir" && mkdir -p "$dir/bin"
  GOBIN="$dir/bin" GOFLAGS=-mod=mod go install "go.temporal.io/server/cmd/server@v$temporal_server_version" \
    "go.temporal.io/server/cmd/tools/sql@v$temporal_server_version" ||
    missing "the Temporal server: 'go install go.temporal.io/server/cmd/server@v$temporal_server_version go.temporal.io/server/cmd/tools/sql@v$temporal_server_version' failed (see above); is the Go module proxy reachable?"
  mv "$dir/bin/server" "$dir/bin/temporal-server"
  mv "$dir/bin/sql" "$dir/bin/temporal-sql-tool"
  local module
  module=$(GOFLAGS=-mod=mod go mod download -json "go.temporal.io/server@v$temporal_server_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$module/schema/postgresql/v12" ] || missing "the Temporal server's PostgreSQL schemas: not found in the module's folder ($module)."
  mkdir -p "$dir/schema"
  cp -r "$module/schema/postgresql" "$dir/schema/"
  chmod -R u+w "$dir/schema"
  echo "$temporal_server_version" >"$stamp"
  say "Temporal server ready: $("$dir/bin/temporal-server" --version 2>&1 | head -1)"
}

# Temporal's Web UI server, built with Go; its module carries the built pages.
ensure_temporal_ui() {
  local dir="$tools/temporal-ui" stamp="$tools/temporal-ui/version"
  if [ -x "$dir/bin/temporal-ui" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$temporal_ui_version" ]; then return; fi
  command -v go >/dev/null 2>&1 || missing "Temporal's Web UI. Install Go 1.25 or newer (so that 'go install' can build it)."
  say "building Temporal's Web UI v$temporal_ui_version with go install (once)…"
  rm -rf "$dir" && mkdir -p "$dir/bin"
  GOBIN="$dir/bin" GOFLAGS=-mod=mod go install "github.com/temporalio/ui-server/v2/cmd/server@v$temporal_ui_version" ||
    missing "Temporal's Web UI: 'go install github.com/temporalio/ui-server/v2/cmd/server@v$temporal_ui_version' failed (see above); is the Go module proxy reachable?"
  mv "$dir/bin/server" "$dir/bin/temporal-ui"
  echo "$temporal_ui_version" >"$stamp"
}

# HAProxy from Debian's packages: the reverse proxy in front of the API processes.
ensure_haproxy() {
  if command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; then return; fi
  if can_apt; then
    say "installing HAProxy from Debian's packages…"
    apt_install haproxy
    return
  fi
  missing "HAProxy, the reverse proxy of the topology. Install it (Debian: apt-get install haproxy)."
}

# OpenSSL from Debian's packages: it makes the topology's CA and certificates (mutual TLS).
ensure_openssl() {
  if command -v openssl >/dev/null 2>&1; then return; fi
  if can_apt; then
    say "installing OpenSSL from Debian's packages…"
    apt_install openssl
    return
  fi
  missing "OpenSSL, which makes the topology's certificates. Install it (Debian: apt-get install openssl)."
}

check_node
ensure_temporal_cli
case "$mode" in
  --run) ;;
  --test)
    ensure_test_server
    ensure_test_server_launcher
    ensure_postgres
    ensure_chromium
    ensure_faketime
    ensure_poppler
    ensure_schemathesis
    ensure_haproxy
    ensure_openssl
    ensure_temporal_server
    ensure_temporal_ui
    ;;
  --bench)
    ensure_postgres
    ensure_vegeta
    ;;
  --cluster)
    ensure_postgres
    ensure_haproxy
    ensure_openssl
    ensure_temporal_server
    ensure_temporal_ui
    ;;
  *) missing "unknown option '$mode': use --run, --test, --bench or --cluster." ;;
esac
