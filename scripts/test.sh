#!/usr/bin/env bash
# The project's test command (what CI runs): installs what the tests need and is missing, then
# runs the whole build with every test. The tests need Java 17+, Maven 3.8+ and a nats-server
# binary (Debian package nats-server) for the JetStream spool; they fail, never skip, without it.
# Extra arguments go to Maven, e.g. ./scripts/test.sh -pl connector-nats -am
set -euo pipefail
cd "$(dirname "$0")/.."

have_nats() {
  [ -n "${NATS_SERVER_BIN:-}" ] && [ -x "${NATS_SERVER_BIN}" ] && return 0
  command -v nats-server >/dev/null 2>&1 && return 0
  for candidate in /usr/sbin/nats-server /usr/bin/nats-server /usr/local/bin/nats-server; do
    [ -x "$candidate" ] && return 0
  done
  return 1
}

if ! have_nats; then
  echo "nats-server is missing: installing the Debian package nats-server" >&2
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "Cannot install nats-server: run as root, install sudo, or install it yourself (apt-get install nats-server)," >&2
    echo "or point NATS_SERVER_BIN at a nats-server binary." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nats-server >/dev/null
  # The package enables a system service; the tests start their own servers on free ports.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now nats-server >/dev/null 2>&1 || true
  fi
  have_nats || { echo "nats-server is still missing after the install" >&2; exit 1; }
fi

exec mvn -B -ntp verify "$@"
