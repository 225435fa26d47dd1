#!/usr/bin/env bash
# e2e-compose.sh: end-to-end test of the docker compose stack (docker/docker-compose.yml).
#
# Runs Compose the way the README says: in the repository root, with no -f (the
# root .env names docker/docker-compose.yml and the project). Only the project
# name is overridden (-p), so a developer's own `jobq` stack is left alone.
# Builds both images from this checkout, starts redis + dashboard + worker under a
# throwaway compose project, and checks, with a bounded timeout at every wait:
#   0. the stack resolves the same (build contexts, volumes) from the root, with
#      `-f docker/docker-compose.yml` and from docker/ (`compose config`);
#   1. redis and the dashboard become healthy; /healthz answers on the host;
#   2. the demo command (`exec worker node apps/worker/dist/demo-enqueue.js`) runs,
#      and the dashboard's /api/overview then counts succeeded and failed jobs;
#   3. /api/workers lists WORKER_PROCESSES (5) workers, and 15 with --scale worker=3;
#      `jobq info` inside the worker container shows them too (and `jobq` runs in the
#      dashboard container; `ps` works in both);
#   4. a batch of email jobs all succeed;
#   5. `stop worker` in the middle of a batch of slow exports loses nothing: short
#      jobs finish, long ones go back to waiting (every id is waiting/active/succeeded);
#   6. `restart redis` while the workers are stopped keeps those waiting jobs (AOF);
#   7. `start worker`: every job of the batch succeeds;
#   8. `restart redis` while the workers run: delayed jobs survive, the workers
#      reconnect by themselves and run new jobs; 5 workers are listed again;
#   9. prints the image sizes; `down -v --rmi local` on exit, pass or fail.
#
# Docker: `docker compose` (v2, or docker-offline's plugin shim), else docker-compose v1.
# When ../shared/docker-offline is next to the repository (or $DOCKER_OFFLINE_DIR), it
# starts dockerd and builds the local base images first, and compose runs on the host
# network (through the `docker compose` plugin when it is installed, else through
# compose-host-network.sh). With no docker at all, prints SKIP and exits 0.
#
#   bash scripts/e2e-compose.sh            # or: npm run e2e:compose
# Knobs: E2E_PROJECT (compose project, default jobq-e2e-<pid>), E2E_DASHBOARD_PORT,
#   E2E_REDIS_PORT (host-network mode; default: 9181 / 6390, or the next free port),
#   E2E_KEEP=1 (leave the stack up for a look; remove it with `down -v --rmi local`).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"   # Compose finds docker/docker-compose.yml through the root .env, as for a user
PROJECT=${E2E_PROJECT:-jobq-e2e-$$}
OFFLINE_DIR=${DOCKER_OFFLINE_DIR:-$(dirname "$ROOT")/shared/docker-offline}
WORKERS=5
T_START=$(date +%s)

# --- output helpers ---------------------------------------------------------------
TIMES=()
now() { date +%s.%N; }
step() { STEP=$1; T0=$(now); echo; echo "=== $STEP"; }
step_done() {
  local t; t=$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  echo "--- $STEP: ${t}s"; TIMES+=("$(printf '%-58s %7ss' "$STEP" "$t")")
}
fail() { echo "E2E FAILED: $*" >&2; exit 1; }
# retry TIMEOUT_S DESCRIPTION CMD...: runs CMD every second until it succeeds.
retry() {
  local timeout=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "timed out after ${timeout}s waiting for $what"
    sleep 1
  done
}
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # first free port among $1 and $2..$2+50
  local p
  port_in_use "$1" || { echo "$1"; return; }
  for p in $(seq "$2" $(( $2 + 50 ))); do port_in_use "$p" || { echo "$p"; return; }; done
  fail "no free port near $2"
}

# --- which docker -------------------------------------------------------------------
MODE=""
if [ -f "$OFFLINE_DIR/compose-host-network.sh" ] && command -v docker >/dev/null 2>&1; then
  MODE=offline
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  if docker compose version >/dev/null 2>&1; then MODE=plugin
  elif command -v docker-compose >/dev/null 2>&1; then MODE=v1
  fi
fi
if [ -z "$MODE" ]; then
  echo "SKIP e2e-compose: no docker engine with compose, and no docker-offline at $OFFLINE_DIR"
  exit 0
fi

# The stack's settings come from here, not from whatever the caller's shell holds.
unset JOBQ_REDIS_URL COMPOSE_FILE COMPOSE_PROJECT_NAME WORKER_NAME DASHBOARD_URL_PREFIX \
      DASHBOARD_USERNAME DASHBOARD_PASSWORD DASHBOARD_SECRET WEBHOOK_ALLOW_HOSTS
export JOBQ_PREFIX=jobq LOG_LEVEL=info DASHBOARD_READ_ONLY=false DASHBOARD_REFRESH_MS=2500
export WORKER_PROCESSES=$WORKERS WORKER_QUEUES=high_priority,low_priority WORKER_CONCURRENCY=4
# A short grace so that stopping the workers sends long jobs back to waiting quickly.
export WORKER_GRACE_MS=4000
export WEBHOOK_SECRET=e2e-webhook-secret

export DASHBOARD_PORT=${E2E_DASHBOARD_PORT:-$(free_port 9181 19181)}
if [ "$MODE" = offline ]; then
  export HOSTNET_REDIS_PORT=${E2E_REDIS_PORT:-$(free_port 6390 16390)}
  # `docker compose` when docker-offline's plugin is installed (what a user types);
  # the wrapper it forwards to otherwise. Never plain docker-compose here: it would
  # create a bridge network.
  if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose)
  else COMPOSE=(bash "$OFFLINE_DIR/compose-host-network.sh"); fi
elif [ "$MODE" = plugin ]; then
  COMPOSE=(docker compose)
else
  COMPOSE=(docker-compose)
fi
CONFIG_CMD=("${COMPOSE[@]}")   # for step 0; the stack itself runs under -p $PROJECT
COMPOSE+=(-p "$PROJECT")
compose() { "${COMPOSE[@]}" "$@"; }
DASH=http://127.0.0.1:$DASHBOARD_PORT

# --- cleanup ---------------------------------------------------------------------------
cleanup() {
  local code=$?
  set +e
  if [ "$code" != 0 ] && [ -n "${STACK_UP:-}" ]; then
    echo; echo "=== logs (the test failed)"
    compose ps
    compose logs --no-color --tail=150
  fi
  if [ -n "${STACK_UP:-}" ]; then
    if [ "${E2E_KEEP:-0}" = 1 ]; then
      echo "E2E_KEEP=1: stack left up; remove it (in $ROOT) with: ${COMPOSE[*]} down -v --rmi local"
    else
      echo; echo "=== down -v --rmi local"
      compose down -v --rmi local --remove-orphans >/dev/null 2>&1 || echo "warning: compose down failed"
    fi
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers that run inside the containers ---------------------------------------------------
# A small node program run in the dashboard container (it has queue-core, job-defs
# and node), so the host needs neither node_modules nor a route to Redis.
#   E2E_CMD=enqueue: E2E_JOB, E2E_COUNT, E2E_PAYLOAD (JSON, "{i}" -> 1..N), E2E_OPTIONS -> prints ids
#   E2E_CMD=states:  E2E_JOB, E2E_IDS; waits up to E2E_TIMEOUT_MS until every job is in one
#                    of E2E_ALLOWED (comma list); exits 1 (with a summary) if not
#   E2E_CMD=api:     GETs E2E_PATH from the dashboard until the JS expression E2E_COND
#                    (over `d`) holds, up to E2E_TIMEOUT_MS; prints E2E_SHOW
read -r -d '' HELPER_JS <<'JS' || true
const { parseQueueConfig, QueueClient } = require('@jobq/queue-core');
const { findContract } = require('@jobq/job-defs');
const env = process.env;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const deadline = Date.now() + Number(env.E2E_TIMEOUT_MS || 0);
async function api() {
  const cond = new Function('d', `return (${env.E2E_COND || 'true'});`);
  const show = new Function('d', `return (${env.E2E_SHOW || 'd'});`);
  let last;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${env.PORT || 9181}${env.E2E_PATH}`, { signal: AbortSignal.timeout(5000) });
      last = res.ok ? await res.json() : { httpStatus: res.status, body: await res.text() };
      if (res.ok && cond(last)) { console.log(JSON.stringify(show(last))); return 0; }
    } catch (err) { last = { error: String(err) }; }
    if (Date.now() >= deadline) {
      let shown; try { shown = show(last); } catch { shown = last; }
      console.log(`condition "${env.E2E_COND}" still false on ${env.E2E_PATH}: ${JSON.stringify(shown)}`);
      return 1;
    }
    await sleep(500);
  }
}
async function jobs() {
  const contract = findContract(env.E2E_JOB);
  if (!contract) throw new Error(`no contract ${env.E2E_JOB}`);
  const client = await QueueClient.connect(parseQueueConfig({ redisUrl: env.REDIS_URL, prefix: env.JOBQ_PREFIX || 'jobq' }));
  try {
    if (env.E2E_CMD === 'enqueue') {
      const options = env.E2E_OPTIONS ? JSON.parse(env.E2E_OPTIONS) : undefined;
      const items = Array.from({ length: Number(env.E2E_COUNT) }, (_, i) => ({
        payload: JSON.parse(env.E2E_PAYLOAD.replaceAll('{i}', String(i + 1))), options,
      }));
      const handles = await client.enqueueMany(contract, items);
      console.log(handles.map((h) => h.id).join(' '));
      return 0;
    }
    const ids = env.E2E_IDS.split(/\s+/).filter(Boolean);
    const allowed = env.E2E_ALLOWED.split(',');
    for (;;) {
      const states = await Promise.all(ids.map((id) => client.job(contract, id).status()));
      const summary = {};
      for (const s of states) summary[s] = (summary[s] || 0) + 1;
      const off = ids.filter((_, i) => !allowed.includes(states[i]));
      if (off.length === 0) { console.log(JSON.stringify(summary)); return 0; }
      if (Date.now() >= deadline) {
        const detail = off.slice(0, 10).map((id) => `${id}:${states[ids.indexOf(id)]}`).join(' ');
        console.log(`${off.length} of ${ids.length} jobs not in [${allowed}]: ${JSON.stringify(summary)} e.g. ${detail}`);
        return 1;
      }
      await sleep(500);
    }
  } finally {
    await client.close();
  }
}
(env.E2E_CMD === 'api' ? api() : jobs()).then((code) => process.exit(code), (err) => { console.error(err); process.exit(2); });
JS

# helper CMD [VAR=VALUE...]: runs the node helper in the dashboard container
# (plain `docker exec`: quicker than a compose call, which re-reads the project;
# DASHBOARD_CID is set once the stack is up).
helper() {
  local cmd=$1; shift
  local args=(-e "E2E_CMD=$cmd") kv
  for kv in "$@"; do args+=(-e "$kv"); done
  docker exec "${args[@]}" "$DASHBOARD_CID" node -e "$HELPER_JS"
}
enqueue() { # JOB COUNT PAYLOAD [OPTIONS] -> ids on stdout
  helper enqueue "E2E_JOB=$1" "E2E_COUNT=$2" "E2E_PAYLOAD=$3" "E2E_OPTIONS=${4:-}"
}
expect_states() { # WHAT JOB "IDS" ALLOWED TIMEOUT_S
  local out
  out=$(helper states "E2E_JOB=$2" "E2E_IDS=$3" "E2E_ALLOWED=$4" "E2E_TIMEOUT_MS=$(( $5 * 1000 ))") \
    || fail "$1: $out"
  echo "$1: $out"
}
expect_api() { # WHAT PATH COND SHOW TIMEOUT_S
  local out
  out=$(helper api "E2E_PATH=$2" "E2E_COND=$3" "E2E_SHOW=$4" "E2E_TIMEOUT_MS=$(( $5 * 1000 ))") \
    || fail "$1: $out"
  echo "$1: $out"
}
container_health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$(compose ps -q "$1" | head -n 1)"; }
is_healthy() { [ "$(container_health "$1")" = healthy ]; }
http_ok() { # PATH: 2xx from the host
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 5 -o /dev/null "$DASH$1"
  else
    local status
    status=$(exec 3<>"/dev/tcp/127.0.0.1/$DASHBOARD_PORT" \
      && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3 && head -n 1 <&3)
    [[ $status == "HTTP/1."?" 2"* ]]
  fi
}
SUM_SUCCEEDED='d.queues.reduce((s, q) => s + q.succeeded, 0)'
SUM_FAILED='d.queues.reduce((s, q) => s + q.failed, 0)'
COUNTS='d.queues.map((q) => `${q.queue}: waiting ${q.waiting} active ${q.active} delayed ${q.delayed} succeeded ${q.succeeded} failed ${q.failed}`).join("; ")'

echo "e2e-compose: mode $MODE (${COMPOSE[*]}), project $PROJECT, dashboard $DASH${HOSTNET_REDIS_PORT:+, redis 127.0.0.1:$HOSTNET_REDIS_PORT}"

# --- 0. docker ----------------------------------------------------------------------------
if [ "$MODE" = offline ]; then
  step "start dockerd + local base images (docker-offline)"
  bash "$OFFLINE_DIR/start-dockerd.sh"
  bash "$OFFLINE_DIR/build-base-images.sh" >/tmp/"$PROJECT"-base-images.log 2>&1 \
    || { cat /tmp/"$PROJECT"-base-images.log; fail "build-base-images.sh failed"; }
  step_done
fi

# --- 0b. the compose file as the README runs it ----------------------------------------------
step "compose config: the same stack from the root, with -f docker/docker-compose.yml and from docker/"
[ -f .env ] && grep -qx 'COMPOSE_FILE=docker/docker-compose.yml' .env \
  || fail "the root .env does not set COMPOSE_FILE=docker/docker-compose.yml"
CONFIG_ROOT=$("${CONFIG_CMD[@]}" -p "$PROJECT" config 2>/dev/null) || fail "compose config failed in the repository root"
CONFIG_F=$("${CONFIG_CMD[@]}" -p "$PROJECT" -f docker/docker-compose.yml config 2>/dev/null) \
  || fail "compose -f docker/docker-compose.yml config failed"
CONFIG_DIR=$(cd docker && "${CONFIG_CMD[@]}" -p "$PROJECT" config 2>/dev/null) || fail "compose config failed in docker/"
[ "$CONFIG_ROOT" = "$CONFIG_F" ] || { diff <(echo "$CONFIG_ROOT") <(echo "$CONFIG_F") || true; fail "the root and -f configs differ"; }
[ "$CONFIG_ROOT" = "$CONFIG_DIR" ] || { diff <(echo "$CONFIG_ROOT") <(echo "$CONFIG_DIR") || true; fail "the root and docker/ configs differ"; }
for svc in redis dashboard worker; do
  grep -qE "^  $svc:" <<<"$CONFIG_ROOT" || fail "service $svc missing from the root config"
done
[ "$(grep -cE "^ +context: $ROOT\$" <<<"$CONFIG_ROOT")" = 2 ] || fail "build contexts are not the repository root ($ROOT)"
echo "root, -f and docker/ resolve to the same stack; both build contexts are $ROOT"
step_done

# --- 1. build and start ---------------------------------------------------------------------
step "build images (compose build)"
STACK_UP=1
compose down -v --rmi local --remove-orphans >/dev/null 2>&1 || true
BUILD_LOG=/tmp/$PROJECT-build.log
if ! timeout 900 "${COMPOSE[@]}" build --force-rm >"$BUILD_LOG" 2>&1; then
  tail -n 60 "$BUILD_LOG"; fail "compose build failed (full log: $BUILD_LOG)"
fi
grep -E '^Successfully tagged' "$BUILD_LOG" || true
step_done

step "up -d; redis healthy, dashboard /healthz"
compose up -d
retry 60 "redis to be healthy" is_healthy redis
retry 90 "the dashboard's /healthz on $DASH" http_ok /healthz
retry 90 "the dashboard container to be healthy" is_healthy dashboard
retry 90 "the worker container to be healthy (supervisorctl status)" is_healthy worker
DASHBOARD_CID=$(compose ps -q dashboard)
step_done

# --- 2. demo jobs and the dashboard's JSON ----------------------------------------------------------
step "demo-enqueue in the worker container; overview counts results"
compose exec -T worker node apps/worker/dist/demo-enqueue.js --count 10 || fail "demo-enqueue failed"
expect_api "dashboard lists $WORKERS workers" /api/workers "d.workers.length === $WORKERS" \
  'd.workers.map((w) => w.name)' 30
expect_api "demo jobs succeeded and failed" /api/overview "$SUM_SUCCEEDED >= 10 && $SUM_FAILED >= 2" "$COUNTS" 60
step_done

# --- CLI: `jobq` (apps/cli) inside both images, and the process tools ------------------------
step "jobq CLI in both containers: info shows $WORKERS workers; ps works"
jobq_info_has_workers() { compose exec -T worker jobq info | grep -q ", $WORKERS workers online"; }
retry 30 "\`jobq info\` in the worker container to show $WORKERS workers" jobq_info_has_workers
compose exec -T worker jobq info || fail "jobq info failed in the worker container"
compose exec -T dashboard jobq workers --json | grep -q '"state":' || fail "jobq workers --json failed in the dashboard container"
compose exec -T dashboard jobq jobs high_priority --state failed --limit 5 || fail "jobq jobs failed in the dashboard container"
set +e; compose exec -T worker jobq jobs no_such_queue; code=$?; set -e
[ "$code" = 3 ] || fail "jobq jobs on an unknown queue exited $code, expected 3"
compose exec -T worker ps -eo pid,args | grep -q "apps/worker/dist/main.js" || fail "ps in the worker container does not list the workers"
compose exec -T dashboard ps -eo pid,args | grep -q "apps/dashboard/dist/main.js" || fail "ps in the dashboard container does not list the dashboard"
step_done

step "--scale worker=3: 15 workers listed, then back to 1 container"
compose up -d --no-recreate --scale worker=3
expect_api "dashboard lists $(( WORKERS * 3 )) workers" /api/workers "d.workers.length === $(( WORKERS * 3 ))" \
  'new Set(d.workers.map((w) => w.name)).size' 60
compose up -d --no-recreate --scale worker=1
expect_api "dashboard lists $WORKERS workers" /api/workers "d.workers.length === $WORKERS" 'd.workers.length' 60
step_done

step "50 email jobs all succeed"
EMAIL_IDS=$(enqueue email.send 50 '{"to":"e2e{i}@example.com","subject":"e2e {i}","text":"hello {i}"}') \
  || fail "enqueue failed: $EMAIL_IDS"
[ "$(wc -w <<<"$EMAIL_IDS")" = 50 ] || fail "expected 50 job ids, got: $EMAIL_IDS"
expect_states "email batch" email.send "$EMAIL_IDS" succeeded 60
step_done

# --- 3. stop the workers in the middle of a batch ----------------------------------------------------------
step "stop the workers mid-batch: nothing lost"
# Long exports (60 x 300 ms = 18 s) outlast the 4 s grace and go back to waiting;
# short ones (6 x 300 ms) finish within it.
LONG_IDS=$(enqueue dataset.export 6 '{"dataset":"long-{i}","chunks":60,"rowsPerChunk":50,"chunkDelayMs":300}') \
  || fail "enqueue failed: $LONG_IDS"
SHORT_IDS=$(enqueue dataset.export 6 '{"dataset":"short-{i}","chunks":6,"rowsPerChunk":50,"chunkDelayMs":300}') \
  || fail "enqueue failed: $SHORT_IDS"
SLOW_IDS="$LONG_IDS $SHORT_IDS"
expect_states "long exports running" dataset.export "$LONG_IDS" active 20
expect_states "short exports running or done" dataset.export "$SHORT_IDS" active,succeeded 20
T_STOP=$(now)
compose stop worker
STOP_S=$(awk -v a="$T_STOP" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
echo "compose stop worker took ${STOP_S}s"
for c in $(compose ps -a -q worker); do
  code=$(docker inspect -f '{{.State.ExitCode}}' "$c")
  [ "$code" = 0 ] || fail "worker container $c exited with $code (killed instead of a graceful stop?)"
done
expect_states "no job of the batch lost" dataset.export "$SLOW_IDS" waiting,active,succeeded 0
expect_states "short exports succeeded (before or during the grace period)" dataset.export "$SHORT_IDS" succeeded 0
expect_states "long exports went back to waiting" dataset.export "$LONG_IDS" waiting 0
step_done

step "restart redis while the workers are stopped: waiting jobs survive (AOF)"
compose restart redis
retry 60 "redis to be healthy again" is_healthy redis
retry 60 "the dashboard's /healthz after the redis restart" http_ok /healthz
expect_states "batch after the redis restart" dataset.export "$SLOW_IDS" waiting,active,succeeded 10
expect_states "email results after the redis restart" email.send "$EMAIL_IDS" succeeded 0
step_done

step "start the workers: the whole batch succeeds"
compose start worker
retry 90 "the worker container to be healthy again" is_healthy worker
expect_states "slow batch" dataset.export "$SLOW_IDS" succeeded 90
expect_api "dashboard lists $WORKERS workers" /api/workers "d.workers.length === $WORKERS" 'd.workers.length' 30
step_done

# --- 4. redis restart under running workers ---------------------------------------------------
step "restart redis under running workers: delayed jobs kept, workers reconnect"
DELAYED_IDS=$(enqueue email.send 10 '{"to":"later{i}@example.com","subject":"later {i}","text":"later"}' '{"delayMs":12000}') \
  || fail "enqueue failed: $DELAYED_IDS"
expect_states "delayed jobs before the restart" email.send "$DELAYED_IDS" delayed 0
compose restart redis
retry 60 "redis to be healthy again" is_healthy redis
expect_states "delayed jobs after the restart" email.send "$DELAYED_IDS" delayed,waiting,active,succeeded 10
AFTER_IDS=$(enqueue email.send 20 '{"to":"after{i}@example.com","subject":"after {i}","text":"after"}') \
  || fail "enqueue failed: $AFTER_IDS"
expect_states "jobs enqueued after the restart" email.send "$AFTER_IDS" succeeded 60
expect_states "delayed jobs run after the restart" email.send "$DELAYED_IDS" succeeded 60
expect_api "dashboard lists $WORKERS workers" /api/workers "d.workers.length === $WORKERS" 'd.workers.length' 30
expect_api "final counts" /api/overview "$SUM_SUCCEEDED >= 100" "$COUNTS" 10
step_done

# --- 5. report -----------------------------------------------------------------------------
echo
echo "=== image sizes"
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E "^${PROJECT}[-_](dashboard|worker):" || true
echo
echo "=== timings"
printf '%s\n' "${TIMES[@]}"
echo "total $(( $(date +%s) - T_START ))s"
echo "E2E PASSED"
