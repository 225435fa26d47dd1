#!/bin/sh
# Entry point of the worker image. With `supervisord ...` (the default command) it
# makes every worker's registry name unique, then execs supervisord as PID 1; any
# other command (e.g. `node apps/worker/dist/demo-enqueue.js`) runs as given.
#
# Why: a worker's default name is `<process>@<hostname>:<pid>`. On the host network
# every container has the host's hostname and supervisord's children get the same
# pids in each container, so `--scale worker=3` would give 3 x 5 workers only 5
# names. When the hostname is not the container id (host network) and WORKER_NAME
# is not set, each process is named `worker-NN@<container id>` instead, like on a
# bridge network where the hostname is the container id.
set -eu

CONF=/etc/supervisor/jobq.conf
RUN_CONF=/tmp/jobq-supervisord.conf

if [ "${1:-}" != "supervisord" ]; then
  exec "$@"
fi
shift

container_id=$(sed -n 's#.*/containers/\([0-9a-f]\{12\}\)[0-9a-f]*/hostname .*#\1#p' /proc/self/mountinfo | head -n 1)
host=$(cat /proc/sys/kernel/hostname)

if [ -z "${WORKER_NAME:-}" ] && [ -n "$container_id" ] && [ "$host" != "$container_id" ] \
   && ! awk '/^\[/{s=($0=="[program:worker]")} s && /^environment[ \t]*=/{f=1} END{exit !f}' "$CONF"; then
  awk -v id="$container_id" '
    { print }
    $0 == "[program:worker]" { print "environment=WORKER_NAME=\"worker-%(process_num)02d@" id "\"" }
  ' "$CONF" >"$RUN_CONF"
  CONF=$RUN_CONF
fi

# Drop the image's `-c <file>` so the file chosen above is used.
if [ "${1:-}" = "-c" ] && [ $# -ge 2 ]; then shift 2; fi
exec supervisord -c "$CONF" "$@"
