#!/usr/bin/env bash
# Browser test of the map page against a real server with the sample city.
#
#   web/test/run.sh [path/to/gridkeeper]      (default: bin/gridkeeper)
#
# Starts `gridkeeper serve --sample --sample-problems 0` (the sample city, no
# history) on a free port with a fresh private database under
# .gridkeeper/browser, waits for /readyz, creates a supervisor token for the
# tests that write (`gridkeeper token create`, which reuses the server's
# private cluster), runs `node --test` on every web/test/*.test.mjs but
# tiles.test.mjs with GRIDKEEPER_URL and GRIDKEEPER_TOKEN (they file their own
# problems and expect a quiet city), then imports a generated year of
# 100,000 hotline tickets (`gridkeeper gen problems | gridkeeper import
# problems`, beside the running server) and runs tiles.test.mjs, the map on a
# database of more than 100,000 problems. It always stops the server with
# SIGTERM and waits for it to exit, so that its graceful shutdown stops the
# PostgreSQL it started.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:-bin/gridkeeper}
case $bin in /*) ;; *) [ -e "$bin" ] || bin=$repo/$bin ;; esac
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
if [ ! -x "$bin" ]; then
  echo "run.sh: no gridkeeper binary at $bin (run: make build)" >&2
  exit 1
fi

data=$repo/.gridkeeper/browser
logdir=$(mktemp -d "${TMPDIR:-/tmp}/gridkeeper-browser-XXXXXX")
log=$logdir/server.log

if [ ! -d "$repo/web/test/node_modules" ]; then
  echo "run.sh: installing the test's packages (npm ci in web/test)"
  (cd "$repo/web/test" && npm ci --no-audit --no-fund)
fi

# alive: the process exists and is not a zombie waiting to be reaped.
alive() {
  local s
  s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]
}

# A run killed hard may have left its cluster running: stop it before deleting its files.
if [ -f "$data/pg/postmaster.pid" ]; then
  echo "run.sh: stopping the PostgreSQL a previous run left in $data"
  env -u DATABASE_URL "$bin" db stop --data-dir "$data" >>"$log" 2>&1 || true
fi
rm -rf "$data"

port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
url=http://127.0.0.1:$port

# DATABASE_URL would send the server to another database: this run wants its own.
env -u DATABASE_URL "$bin" serve --addr "127.0.0.1:$port" --data-dir "$data" --sample --sample-problems 0 >"$log" 2>&1 &
pid=$!

stop() {
  local rc=$?
  trap - EXIT INT TERM
  if alive "$pid"; then
    echo "run.sh: stopping the server (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while alive "$pid" && [ "$waited" -lt 120 ]; do
      sleep 0.5
      waited=$((waited + 1))
    done
    if alive "$pid"; then
      echo "run.sh: the server did not exit within 60 s of SIGTERM; killing it." >&2
      echo "run.sh: its PostgreSQL may still run: $bin db stop --data-dir $data" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  echo "run.sh: server log: $log"
  exit "$rc"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ready() {
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
}

echo "run.sh: server on $url (pid $pid, data $data); waiting for /readyz"
start=$SECONDS
next=5
until ready "$url/readyz"; do
  if ! alive "$pid"; then
    echo "run.sh: the server exited before it was ready; its log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  elapsed=$((SECONDS - start))
  if [ "$elapsed" -ge 120 ]; then
    echo "run.sh: not ready after 120 s; the server log ends:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if [ "$elapsed" -ge "$next" ]; then
    echo "run.sh: ... ${elapsed}s: $(tail -n 1 "$log" | cut -c1-160)"
    next=$((next + 5))
  fi
  sleep 0.5
done
echo "run.sh: ready after $((SECONDS - start)) s"

# A supervisor token for the tests that assign duties and add people.
token=$(env -u DATABASE_URL "$bin" token create --name browser-test --role supervisor --data-dir "$data" 2>>"$log" |
  grep -o 'gk_[A-Za-z0-9_-]*' | tail -n 1) || true
if [ -z "$token" ]; then
  echo "run.sh: could not create a supervisor token (gridkeeper token create); its output is in $log" >&2
  exit 1
fi

cd "$repo"
rc=0
quiet=()
for f in web/test/*.test.mjs; do
  [ "$f" = web/test/tiles.test.mjs ] || quiet+=("$f")
done
GRIDKEEPER_URL=$url GRIDKEEPER_TOKEN=$token node --test "${quiet[@]}" || rc=$?

# A city with a year of history for the tile test.
echo "run.sh: importing 100,000 generated hotline tickets for the tile test"
tickets=$logdir/tickets.csv
if "$bin" gen problems --count 100000 --months 12 --seed 1 --out "$tickets" >>"$log" 2>&1 &&
  env -u DATABASE_URL "$bin" import problems "$tickets" --data-dir "$data" >>"$log" 2>&1; then
  GRIDKEEPER_URL=$url node --test web/test/tiles.test.mjs || rc=$?
else
  echo "run.sh: generating or importing the tickets failed; see $log" >&2
  rc=1
fi
if [ "$rc" -ne 0 ]; then
  echo "run.sh: the browser test failed; the server log ends:" >&2
  tail -n 20 "$log" >&2
fi
exit "$rc"
