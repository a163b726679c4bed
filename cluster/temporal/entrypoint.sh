#!/usr/bin/env bash
# The Temporal image's entry point (cluster/temporal/Dockerfile):
#   frontend | history | matching | worker   one service of the server
#   ui                                       the Web UI
#   setup schema | setup namespace           cluster/temporal/setup.sh
set -euo pipefail
cd /etc/temporal
case "${1:-}" in
  frontend | history | matching | worker)
    # The other services reach this one at the container's own address, not at the 0.0.0.0 it listens on.
    export TEMPORAL_BROADCAST_ADDRESS="${TEMPORAL_BROADCAST_ADDRESS:-$(hostname -i | cut -d' ' -f1)}"
    exec temporal-server --root /etc/temporal --config cluster/temporal --env production --allow-no-auth start --service "$1"
    ;;
  ui) exec temporal-ui --root /etc/temporal --config cluster/temporal-ui --env production start ;;
  setup) shift; exec bash cluster/temporal/setup.sh "$@" ;;
  *) echo "usage: frontend|history|matching|worker|ui|setup schema|setup namespace" >&2; exit 2 ;;
esac
