#!/usr/bin/env bash
# Benchmark (issue 18): start to the sign-in window, the bundled program against the same code from .venv, in turn.
#   tests/bench/bench_bundle_start.sh DIST_DIR [RUNS] [DROP]
#     DIST_DIR  the unpacked bundle (the folder holding `dutyroom`), e.g. dist/dutyroom
#     RUNS      pairs to run (default 5); DROP=1 drops the page cache before every run (root; a cold start)
# Needs Xvfb and xdotool (trial tools, not installed by setup.sh). Each run gets a copy of one demo database and
# fresh data/config/log folders; the time is from exec until a window titled …登录 is mapped (polled every 20 ms),
# then the program is killed. Prints one line per run and the medians with their ratio.
set -u
cd "$(dirname "$0")/../.."
BUNDLE=${1:?usage: $0 DIST_DIR [RUNS] [DROP]}; RUNS=${2:-5}; DROP=${3:-0}
export DISPLAY=:58
pgrep -f "Xvfb :58" >/dev/null || { Xvfb :58 -screen 0 1366x768x24 >/dev/null 2>&1 & sleep 1; }
tmp=$(mktemp -d)
.venv/bin/python -m dutyroom init --demo --db "$tmp/base.db" >/dev/null
one() {  # label, command…
  local label=$1; shift
  rm -rf "$tmp/run" && mkdir "$tmp/run" && cp "$tmp/base.db" "$tmp/run/run.db"
  [ "$DROP" = 1 ] && { sync; echo 3 > /proc/sys/vm/drop_caches; }
  local t0; t0=$(date +%s.%N)
  DUTYROOM_DB=$tmp/run/run.db XDG_DATA_HOME=$tmp/run/data XDG_STATE_HOME=$tmp/run/state \
    XDG_CONFIG_HOME=$tmp/run/conf "$@" >/dev/null 2>&1 &
  local pid=$!
  until xdotool search --onlyvisible --name "登录" >/dev/null 2>&1; do sleep 0.02; done
  local t1; t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" 2>/dev/null
  echo "$label $(echo "$t1 - $t0" | bc)" | tee -a "$tmp/times"
}
for _ in $(seq "$RUNS"); do
  one bundle "$BUNDLE/dutyroom"
  one venv .venv/bin/python main.py
done
median() { grep "^$1 " "$tmp/times" | cut -d' ' -f2 | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
b=$(median bundle); v=$(median venv)
echo "median: bundle ${b} s, .venv ${v} s, ratio $(echo "scale=2; $b / $v" | bc)"
rm -rf "$tmp"
