#!/usr/bin/env bash
# Proves that deploy/users.acl loads and enforces least privilege.
#
# Starts a throw-away redis-server (no persistence) on a loopback port with
# the ACL file, runs one command per rule as the user it concerns, compares
# the outcome (OK / NOPERM / ...) with the expectation, and shuts that server
# down again. It does so twice: on a standalone server and on a one-node
# Redis Cluster that owns every slot, so that the topology commands cluster
# clients send (CLUSTER SLOTS, CLUSTER NODES, INFO) answer as on a real
# cluster. DEBUG is enabled on that server so that a refused DEBUG proves
# the ACL refuses it (deploy/redis.conf disables DEBUG for everyone). Needs
# redis-server and redis-cli >= 7.0 on PATH.
#
# The commands each client family sends are listed in
# fleet-tools/src/test/java/io/agentfleet/tools/deploy/ClientCommands.java
# (with the source they were read from); RedisAclTest runs that model.
#
#   deploy/check-acl.sh            # port 6399 (cluster bus 6400)
#   PORT=6500 deploy/check-acl.sh
#   MODES=cluster deploy/check-acl.sh
#
# The passwords used here are the clearly-marked development passwords whose
# SHA-256 hashes are in users.acl (dev-<user>-password). After you rotate the
# hashes for a real environment this script no longer authenticates: it is a
# check of the rules, not of your secrets.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ACL_FILE="${ACL_FILE:-$HERE/users.acl}"
PORT="${PORT:-6399}"
WORK="$(mktemp -d)"
pass=0
fail=0

cleanup() {
  stop_redis
  rm -rf "$WORK"
}
trap cleanup EXIT

stop_redis() {
  if [[ -n "${REDIS_PID:-}" ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    redis-cli -p "$PORT" --no-auth-warning --user admin --pass dev-admin-password shutdown nosave >/dev/null 2>&1 \
      || kill "$REDIS_PID"
    wait "$REDIS_PID" 2>/dev/null || true
  fi
  REDIS_PID=
}

# start_redis standalone|cluster
start_redis() {
  local mode="$1" dir="$WORK/$1"
  local extra=()
  mkdir -p "$dir"
  if [[ "$mode" == cluster ]]; then
    extra=(--cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-port "$((PORT + 1))")
  fi
  redis-server --port "$PORT" --bind 127.0.0.1 --aclfile "$ACL_FILE" --save '' --appendonly no \
    --enable-debug-command yes "${extra[@]}" \
    --dir "$dir" --daemonize no >"$dir/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do
    redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
    if ! kill -0 "$REDIS_PID" 2>/dev/null; then
      echo "redis-server did not start; its log:" >&2
      cat "$dir/redis.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  if [[ "$mode" == cluster ]]; then
    admin CLUSTER ADDSLOTSRANGE 0 16383 >/dev/null
    for _ in $(seq 1 100); do
      admin CLUSTER INFO | grep -q 'cluster_state:ok' && break
      sleep 0.1
    done
  fi
  echo "=== redis-server $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/') ($mode) loaded $ACL_FILE on port $PORT"
}

admin() { redis-cli -p "$PORT" --no-auth-warning --user admin --pass dev-admin-password "$@"; }

# expect USER ok|noperm -- redis command...
#   ok:     the command ran (no NOPERM, no ERR/WRONGTYPE/auth error; on the
#           standalone server a CLUSTER command may answer "cluster support disabled")
#   noperm: the ACL refused it: NOPERM for a direct command, "The user executing
#           the script can't ..." for a redis.call inside a Lua script
expect() {
  local user="$1" want="$2"
  shift 3
  local out good=0 cmd="$*"
  out="$(redis-cli -p "$PORT" --no-auth-warning --user "$user" --pass "dev-$user-password" "$@" 2>&1 | tr '\n' ' ')"
  case "$want" in
    # Only the reply's start: INFO's errorstats section names NOPERM and ERR counts.
    ok) [[ ! "${out:0:80}" =~ NOPERM|^ERR|WRONGTYPE|NOAUTH|WRONGPASS ]] && good=1
        [[ "$MODE" == standalone && "$out" =~ "cluster support disabled" ]] && good=1 ;;
    noperm) [[ "$out" =~ NOPERM|"user executing the script can't" ]] && good=1 ;;
  esac
  if [[ $good -eq 1 ]]; then
    pass=$((pass + 1))
    printf 'PASS  %-13s %-6s %-62s -> %s\n' "$user" "$want" "${cmd:0:62}" "${out:0:60}"
  else
    fail=$((fail + 1))
    printf 'FAIL  %-13s %-6s %-62s -> %s\n' "$user" "$want" "${cmd:0:62}" "${out:0:200}"
  fi
}

# The enqueue script's shape: XLEN + HGET (backpressure bound) + XADD, keys passed in KEYS[].
ENQUEUE='local n = redis.call("XLEN", KEYS[1]); local max = tonumber(redis.call("HGET", KEYS[2], "max-backlog") or "1000000"); if n >= max then return redis.error_reply("BACKPRESSURE") end; return redis.call("XADD", KEYS[1], "*", "msg", ARGV[1])'

checks() {
echo "--- default user is off"
out="$(redis-cli -p "$PORT" get fleet:x 2>&1 || true)"
if [[ "$out" =~ NOAUTH ]]; then pass=$((pass + 1)); echo "PASS  (no auth)           GET fleet:x -> $out"; else fail=$((fail + 1)); echo "FAIL  (no auth) GET fleet:x -> $out"; fi

echo "--- worker-coder: only fleet:{coder}:* and its partitions fleet:{coder:p}:*, cancel flags read-only"
expect worker-coder ok     -- INFO cluster
expect worker-coder ok     -- CLUSTER NODES
expect worker-coder ok     -- INFO
expect worker-coder ok     -- SADD fleet:agents coder
expect worker-coder ok     -- WAIT 1 10
expect worker-coder ok     -- HSET 'fleet:{coder}:config' partitions 3
expect worker-coder ok     -- XGROUP CREATE 'fleet:{coder:2}:tasks' workers 0 MKSTREAM
expect worker-coder ok     -- XADD 'fleet:{coder:2}:tasks' '*' msg x
expect worker-coder ok     -- XREADGROUP GROUP workers pod-1 COUNT 1 STREAMS 'fleet:{coder:2}:tasks' '>'
expect worker-coder ok     -- SET 'fleet:{coder:2}:done:1' result NX
expect worker-coder ok     -- XADD 'fleet:{coder}:tasks' '*' msg x
expect worker-coder ok     -- XGROUP CREATE 'fleet:{coder}:tasks' workers 0 MKSTREAM
expect worker-coder ok     -- XREADGROUP GROUP workers pod-1 COUNT 1 STREAMS 'fleet:{coder}:tasks' '>'
expect worker-coder ok     -- XGROUP CREATE 'fleet:{coder}:tasks:high' workers 0 MKSTREAM
expect worker-coder ok     -- XREADGROUP GROUP workers pod-1 COUNT 1 STREAMS 'fleet:{coder}:tasks:high' 'fleet:{coder}:tasks' '>' '>'
expect worker-coder ok     -- XPENDING 'fleet:{coder}:tasks' workers
expect worker-coder ok     -- XAUTOCLAIM 'fleet:{coder}:tasks' workers pod-2 60000 0-0 COUNT 10
expect worker-coder ok     -- XINFO GROUPS 'fleet:{coder}:tasks'
expect worker-coder ok     -- SET 'fleet:{coder}:done:1' result NX
expect worker-coder ok     -- ZADD 'fleet:{coder}:delayed' 1 m
expect worker-coder ok     -- HGET 'fleet:{coder}:config' max-backlog
expect worker-coder ok     -- GET 'fleet:{run:r1}:cancel'
expect worker-coder ok     -- EXISTS 'fleet:{run:r1}:cancel'
expect worker-coder ok     -- INFO memory
expect worker-coder ok     -- XGROUP DELCONSUMER 'fleet:{coder}:tasks' workers pod-2
expect worker-coder ok     -- HSET 'fleet:{coder:2}:checkpoint:1' data '{}' attempt 1 at 0
expect worker-coder ok     -- EXPIRE 'fleet:{coder:2}:checkpoint:1' 60
expect worker-coder ok     -- HGETALL 'fleet:{coder:2}:checkpoint:1'
expect worker-coder ok     -- DEL 'fleet:{coder:2}:checkpoint:1'
expect worker-coder noperm -- HGETALL 'fleet:{planner}:checkpoint:1'
expect worker-coder noperm -- DEL 'fleet:{planner}:checkpoint:1'
expect worker-coder noperm -- EXPIRE 'fleet:{coder}:done:1' 60
expect worker-coder noperm -- XADD 'fleet:{planner}:tasks' '*' msg x
expect worker-coder noperm -- XADD 'fleet:{planner:1}:tasks' '*' msg x
expect worker-coder noperm -- CONFIG GET maxmemory-policy
expect worker-coder noperm -- CONFIG GET masterauth
expect worker-coder noperm -- SREM fleet:agents coder
expect worker-coder noperm -- DEL fleet:agents
expect worker-coder noperm -- CLUSTER FORGET 0000000000000000000000000000000000000000
expect worker-coder noperm -- CLIENT LIST
expect worker-coder noperm -- GET 'fleet:{planner}:done:1'
expect worker-coder noperm -- SET 'fleet:{run:r1}:cancel' 1
expect worker-coder noperm -- GET 'fleet:{run:r1}:state'
expect worker-coder noperm -- EVAL 'return redis.call("GET", KEYS[1])' 1 'fleet:{planner}:done:1'
expect worker-coder noperm -- EVAL 'return redis.call("GET", "fleet:{planner}:done:1")' 0
expect worker-coder noperm -- GET 'fleet:ratelimit:openai'
expect worker-coder noperm -- XGROUP DESTROY 'fleet:{coder}:tasks' workers
expect worker-coder noperm -- XTRIM 'fleet:{coder}:tasks' MAXLEN 0
expect worker-coder noperm -- DEL 'fleet:{coder}:tasks'
expect worker-coder noperm -- FLUSHALL
expect worker-coder noperm -- KEYS '*'
expect worker-coder noperm -- CONFIG SET maxmemory-policy allkeys-lru
expect worker-coder noperm -- DEBUG SLEEP 0
expect worker-coder noperm -- SCRIPT FLUSH
expect worker-coder noperm -- PUBLISH fleet:events x

echo "--- worker-llm: its own keys plus the shared rate-limit buckets"
expect worker-llm ok       -- EVAL 'local t = redis.call("TIME"); redis.call("HMGET", KEYS[1], "r", "t", "ts"); redis.call("HSET", KEYS[1], "r", 1, "t", 2, "ts", t[1]); return redis.call("PEXPIRE", KEYS[1], 60000)' 1 'fleet:ratelimit:{openai}'
expect worker-llm ok       -- XADD 'fleet:{llm}:results' '*' msg x
expect worker-llm noperm   -- XADD 'fleet:{coder}:results' '*' msg x

echo "--- producer: enqueue (XLEN/XADD on tasks, HGET config) on any partition, register the type, read results only"
expect producer ok         -- INFO cluster
expect producer ok         -- CLUSTER SLOTS
expect producer ok         -- SADD fleet:agents coder
expect producer ok         -- HGET 'fleet:{coder}:config' partitions
expect producer ok         -- EVAL "$ENQUEUE" 2 'fleet:{coder:2}:tasks' 'fleet:{coder:2}:config' payload
expect producer ok         -- WAIT 1 10
expect producer ok         -- XADD 'fleet:{coder}:tasks' '*' msg x
expect producer ok         -- XLEN 'fleet:{coder}:tasks'
expect producer ok         -- XADD 'fleet:{coder}:tasks:high' '*' msg x
expect producer ok         -- XLEN 'fleet:{coder:2}:tasks:low'
expect producer noperm     -- XADD 'fleet:{coder}:tasks:urgent' '*' msg x
expect producer ok         -- HGET 'fleet:{coder}:config' max-backlog
expect producer ok         -- ZADD 'fleet:{coder}:delayed' 1 scheduled-member
expect producer ok         -- HSET 'fleet:{coder}:scheduled' t1 scheduled-member
expect producer ok         -- XLEN 'fleet:{coder}:tasks:high'
expect producer ok         -- TIME
expect producer ok         -- GET 'fleet:{coder}:done:1'
expect producer ok         -- EXISTS 'fleet:{coder}:done:1'
expect producer ok         -- GET 'fleet:{coder}:enqueued:t8'
expect producer ok         -- XRANGE 'fleet:{coder}:tasks' 0-1 0-1 COUNT 1
expect producer noperm     -- DEL 'fleet:{coder}:enqueued:t8'
expect producer ok         -- EVAL "$ENQUEUE" 5 'fleet:{coder}:tasks' 'fleet:{coder}:config' 'fleet:{coder}:tasks:high' 'fleet:{coder}:tasks:low' 'fleet:{coder}:enqueued:t9' 0 '{}'
expect producer ok         -- EVAL "$ENQUEUE" 2 'fleet:{coder}:tasks' 'fleet:{coder}:config' payload
expect producer ok         -- SCRIPT LOAD "$ENQUEUE"
expect producer ok         -- EVALSHA "$(redis-cli -p "$PORT" --no-auth-warning --user producer --pass dev-producer-password SCRIPT LOAD "$ENQUEUE")" 2 'fleet:{coder}:tasks' 'fleet:{coder}:config' payload
expect producer noperm     -- XREADGROUP GROUP workers p COUNT 1 STREAMS 'fleet:{coder}:tasks' '>'
expect producer noperm     -- XACK 'fleet:{coder}:tasks' workers 0-1
expect producer noperm     -- XDEL 'fleet:{coder}:tasks' 0-1
expect producer noperm     -- XADD 'fleet:{coder}:done:2' '*' msg forged
expect producer noperm     -- SET 'fleet:{coder}:done:2' forged
expect producer noperm     -- HSET 'fleet:{coder}:config' max-backlog 999999999
expect producer noperm     -- EVAL 'return redis.call("HSET", KEYS[1], "max-backlog", "1")' 1 'fleet:{coder}:config'
expect producer noperm     -- EVAL 'return redis.call("XADD", KEYS[1], "*", "m", "x")' 1 'fleet:{coder}:config'
expect producer noperm     -- EVAL 'return redis.call("GET", KEYS[1])' 1 'fleet:{coder}:done:1'
expect producer noperm     -- HSET 'fleet:{coder}:config' partitions 64
expect producer noperm     -- SMEMBERS fleet:agents
expect producer noperm     -- SREM fleet:agents coder
expect producer noperm     -- CONFIG GET maxmemory-policy
expect producer noperm     -- GET 'fleet:{run:r1}:state'
expect producer noperm     -- FLUSHALL

echo "--- orchestrator: all fleet:* keys, nothing destructive server-wide"
expect orchestrator ok     -- XADD 'fleet:{planner}:tasks' '*' msg x
expect orchestrator ok     -- XGROUP CREATE 'fleet:{planner}:results' orchestrators 0 MKSTREAM
expect orchestrator ok     -- HSET 'fleet:{run:r1}:state' status RUNNING
expect orchestrator ok     -- SET 'fleet:{run:r1}:cancel' 1
expect orchestrator ok     -- HSET 'fleet:{coder}:config' max-backlog 100000
expect orchestrator ok     -- XRANGE 'fleet:{coder}:dead' - + COUNT 10
expect orchestrator ok     -- XTRIM 'fleet:{coder}:results' MAXLEN '~' 100000
expect orchestrator ok     -- INCRBYFLOAT 'fleet:usage:cost' 0.25
expect orchestrator ok     -- SCAN 0 MATCH 'fleet:*' COUNT 100
expect orchestrator ok     -- INFO cluster
expect orchestrator ok     -- CLUSTER NODES
expect orchestrator ok     -- INFO
expect orchestrator ok     -- WAIT 1 10
expect orchestrator ok     -- SADD fleet:agents coder
expect orchestrator ok     -- SMEMBERS fleet:agents
expect orchestrator ok     -- XGROUP CREATE 'fleet:{coder:2}:results' orchestrators 0 MKSTREAM
expect orchestrator noperm -- CONFIG GET maxmemory-policy
expect orchestrator noperm -- CONFIG GET masterauth
expect orchestrator noperm -- CLUSTER FORGET 0000000000000000000000000000000000000000
expect orchestrator noperm -- GET other:key
expect orchestrator noperm -- FLUSHALL
expect orchestrator noperm -- FLUSHDB
expect orchestrator noperm -- KEYS '*'
expect orchestrator noperm -- CONFIG SET appendonly no
expect orchestrator noperm -- SCRIPT FLUSH
expect orchestrator noperm -- FUNCTION FLUSH
expect orchestrator noperm -- DEBUG SLEEP 0
expect orchestrator noperm -- CLIENT KILL TYPE normal
expect orchestrator noperm -- ACL LIST
expect orchestrator noperm -- SHUTDOWN NOSAVE

echo "--- keda: exactly what KEDA's redis-streams / redis-cluster-streams scaler sends"
# KEDA 2.20.2 pkg/scalers/redis_streams_scaler.go + redis_scaler.go (go-redis 9.19.0): PING when the client is
# created, CLUSTER SLOTS (cluster client's slot map), INFO (redis_version >= 7, before every lag poll), XINFO GROUPS
# (lag), XLEN (lag while the group does not exist), XPENDING stream group (pendingEntriesCount).
expect keda ok                -- PING
expect keda ok                -- CLUSTER SLOTS
expect keda ok                -- INFO
expect keda ok                -- XINFO GROUPS 'fleet:{coder}:tasks'
expect keda ok                -- XINFO GROUPS 'fleet:{coder:2}:tasks'
expect keda ok                -- XLEN 'fleet:{planner}:tasks'
expect keda ok                -- XPENDING 'fleet:{coder}:tasks' workers
expect keda ok                -- XPENDING 'fleet:{coder:2}:tasks' workers
expect keda ok                -- XINFO GROUPS 'fleet:{coder}:tasks:high'
expect keda ok                -- XPENDING 'fleet:{coder:2}:tasks:low' workers
version="$(redis-cli -p "$PORT" --no-auth-warning --user keda --pass dev-keda-password INFO | tr -d '\r' \
  | sed -n 's/^redis_version:\([0-9]*\)\..*/\1/p')"
if [[ -n "$version" && "$version" -ge 7 ]]; then
  pass=$((pass + 1)); echo "PASS  keda          INFO has redis_version major $version (>= 7, KEDA's lagCount check)"
else
  fail=$((fail + 1)); echo "FAIL  keda          INFO as keda gives no redis_version >= 7 ('$version'): KEDA's lag trigger fails"
fi
expect keda noperm            -- CONFIG GET masterauth
expect keda noperm            -- XADD 'fleet:{coder}:tasks' '*' msg x
expect keda noperm            -- XRANGE 'fleet:{coder}:tasks' - +
expect keda noperm            -- XINFO STREAM 'fleet:{coder}:tasks' FULL
expect keda noperm            -- XINFO GROUPS 'fleet:{coder}:results'
expect keda noperm            -- GET 'fleet:{coder}:done:1'
expect keda noperm            -- SMEMBERS fleet:agents
expect keda noperm            -- CLUSTER NODES
expect keda noperm            -- CLIENT LIST
expect keda noperm            -- KEYS '*'

echo "--- exporter: server metadata only"
expect exporter ok         -- INFO memory
expect exporter noperm     -- GET 'fleet:{coder}:done:1'
expect exporter noperm     -- CONFIG GET masterauth

echo "--- no service user may read the server configuration (CONFIG GET reveals masterauth and other secrets)"
for user in $(sed -n 's/^user \([A-Za-z0-9_-]*\) on .*/\1/p' "$ACL_FILE"); do
  [[ "$user" == admin ]] && continue
  expect "$user" noperm -- CONFIG GET masterauth
  expect "$user" noperm -- CONFIG GET '*'
done

echo "--- admin: break-glass"
expect admin ok            -- ACL WHOAMI

# The project's own Lua scripts, run as the users that run them in production.
LUA_DIR="$HERE/../common-messages/src/main/resources/io/agentfleet/messages/lua"
BUCKET="$HERE/../worker-service/src/main/resources/io/agentfleet/worker/llm/token_bucket.lua"
if [[ -d "$LUA_DIR" ]]; then
  echo "--- the project's Lua scripts under least privilege"
  cli() { local u="$1"; shift; redis-cli -p "$PORT" --no-auth-warning --user "$u" --pass "dev-$u-password" "$@"; }
  now="$(date +%s)000"
  expect producer ok     -- EVAL "$(cat "$LUA_DIR/enqueue.lua")" 5 'fleet:{reviewer}:tasks' 'fleet:{reviewer}:config' \
    'fleet:{reviewer}:tasks:high' 'fleet:{reviewer}:tasks:low' 'fleet:{reviewer}:delayed' 1000 '{"m":1}' '{"m":2}'
  expect producer noperm -- EVAL "$(cat "$LUA_DIR/enqueue.lua")" 5 'fleet:{reviewer}:tasks' 'fleet:{reviewer}:done:x' \
    'fleet:{reviewer}:tasks:high' 'fleet:{reviewer}:tasks:low' 'fleet:{reviewer}:delayed' 1000 '{"m":1}'
  cli worker-reviewer XGROUP CREATE 'fleet:{reviewer}:tasks' workers 0 MKSTREAM >/dev/null
  ids=($(cli worker-reviewer XREADGROUP GROUP workers pod-r COUNT 2 STREAMS 'fleet:{reviewer}:tasks' '>' | grep -E '^[0-9]+-[0-9]+$'))
  expect worker-reviewer ok -- EVAL "$(cat "$LUA_DIR/record_outcomes.lua")" 5 'fleet:{reviewer}:tasks' 'fleet:{reviewer}:results' \
    'fleet:{reviewer}:dead' 'fleet:{reviewer}:done:t1' 'fleet:{reviewer}:checkpoint:t1' workers 3600 0 0 "$now" pod-r \
    "${ids[0]}" 4 '{"type":"RESULT"}' t1 ''
  expect worker-reviewer ok -- EVAL "$(cat "$LUA_DIR/retry.lua")" 3 'fleet:{reviewer}:tasks' 'fleet:{reviewer}:delayed' \
    'fleet:{reviewer}:done:t2' workers "${ids[1]}" 0 '{"m":2,"attempt":2}'
  expect worker-reviewer ok -- EVAL "$(cat "$LUA_DIR/promote.lua")" 5 'fleet:{reviewer}:delayed' 'fleet:{reviewer}:tasks' \
    'fleet:{reviewer}:tasks:high' 'fleet:{reviewer}:tasks:low' 'fleet:{reviewer}:scheduled' 10
  expect worker-reviewer noperm -- EVAL "$(cat "$LUA_DIR/promote.lua")" 5 'fleet:{reviewer}:delayed' 'fleet:{coder}:tasks' \
    'fleet:{coder}:tasks:high' 'fleet:{coder}:tasks:low' 'fleet:{coder}:scheduled' 10
  expect producer ok -- EVAL "$(cat "$LUA_DIR/schedule.lua")" 6 'fleet:{reviewer}:delayed' 'fleet:{reviewer}:scheduled' \
    'fleet:{reviewer}:config' 'fleet:{reviewer}:tasks' 'fleet:{reviewer}:tasks:high' 'fleet:{reviewer}:tasks:low' \
    0 +60000 t9 '{"m":9,"taskId":"t9"}'
  expect producer ok -- EVAL "$(cat "$LUA_DIR/unschedule.lua")" 2 'fleet:{reviewer}:delayed' 'fleet:{reviewer}:scheduled' t9
  dead_id="$(cli orchestrator XADD 'fleet:{reviewer}:dead' '*' msg '{"m":3}' taskId t3 reason MAX_ATTEMPTS_EXCEEDED)"
  expect orchestrator ok -- EVAL "$(cat "$LUA_DIR/redrive.lua")" 5 'fleet:{reviewer}:dead' 'fleet:{reviewer}:tasks' \
    'fleet:{reviewer}:tasks:high' 'fleet:{reviewer}:tasks:low' 'fleet:{reviewer}:done:t3' "$dead_id" 5 3 '{"m":3}'
  expect worker-reviewer noperm -- EVAL "$(cat "$LUA_DIR/redrive.lua")" 5 'fleet:{reviewer}:dead' 'fleet:{coder}:tasks' \
    'fleet:{reviewer}:tasks:high' 'fleet:{reviewer}:tasks:low' 'fleet:{reviewer}:done:t3' "$dead_id" 5 3 '{"m":3}'
  read_levels="$HERE/../worker-service/src/main/resources/io/agentfleet/worker/consume/read_levels.lua"
  cli worker-reviewer XGROUP CREATE 'fleet:{reviewer}:tasks:high' workers 0 MKSTREAM >/dev/null
  cli worker-reviewer XGROUP CREATE 'fleet:{reviewer}:tasks:low' workers 0 MKSTREAM >/dev/null
  expect worker-reviewer ok -- EVAL "$(cat "$read_levels")" 3 'fleet:{reviewer}:tasks:high' 'fleet:{reviewer}:tasks' \
    'fleet:{reviewer}:tasks:low' workers pod-r 6 3 1
  # Consumer-group hygiene: a heartbeat, then a pass that removes the idle consumers with nothing pending and the
  # stale heartbeat (XINFO CONSUMERS, XGROUP DELCONSUMER, HGETALL, HSET, HDEL, TIME inside the script).
  cli worker-reviewer XGROUP CREATECONSUMER 'fleet:{reviewer}:tasks' workers ghost-r >/dev/null
  expect worker-reviewer ok -- EVAL "$(cat "$LUA_DIR/reap_consumers.lua")" 2 'fleet:{reviewer}:tasks' \
    'fleet:{reviewer}:seen:workers' workers 1 pod-gone 1
  sleep 0.05
  expect worker-reviewer ok -- EVAL "$(cat "$LUA_DIR/reap_consumers.lua")" 2 'fleet:{reviewer}:tasks' \
    'fleet:{reviewer}:seen:workers' workers 1 '' 1
  reaped="$(cli worker-reviewer XINFO CONSUMERS 'fleet:{reviewer}:tasks' workers | grep -c ghost-r || true)"
  if [[ "$reaped" == 0 ]]; then pass=$((pass + 1)); echo "PASS  worker-reviewer reap_consumers.lua removed ghost-r";
  else fail=$((fail + 1)); echo "FAIL  worker-reviewer reap_consumers.lua left ghost-r in the group"; fi
  expect orchestrator ok -- EVAL "$(cat "$LUA_DIR/reap_consumers.lua")" 2 'fleet:{reviewer}:results' \
    'fleet:{reviewer}:seen:orchestrators' orchestrators 1 o-1 1
  expect worker-reviewer noperm -- EVAL "$(cat "$LUA_DIR/reap_consumers.lua")" 2 'fleet:{coder}:tasks' \
    'fleet:{coder}:seen:workers' workers 1 '' 1
  if [[ -f "$BUCKET" ]]; then
    expect worker-llm ok      -- EVAL "$(cat "$BUCKET")" 1 'fleet:ratelimit:{openai-gpt}' 60 100000 500 1000
    expect worker-coder noperm -- EVAL "$(cat "$BUCKET")" 1 'fleet:ratelimit:{openai-gpt}' 60 100000 500 1000
  fi
fi

}

for MODE in ${MODES:-standalone cluster}; do
  start_redis "$MODE"
  checks
  stop_redis
done

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
