#!/usr/bin/env bash
# The Janus part of the live bench: runs `node dist/bench/live.js --engine janus --out <file>`
# inside a private network namespace made here (as test/janus/run.sh does): Janus skips
# loopback when it gathers ICE candidates, so it needs a real interface; the namespace has
# loopback plus a veth pair (10.99.0.1/24, 10.99.0.2/24) that exists only inside it. Janus,
# Guestlink and Chromium all run in it. The rows go to <file> for `npm run bench` to show.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: bench/live-janus.sh <rows.json>}

skip() {
  echo "  skipped: $1"
  exit 0
}
command -v janus >/dev/null 2>&1 || skip "Janus is not installed (apt-get install janus)."
command -v ip >/dev/null 2>&1 || skip "iproute2's ip is missing."
[ "$(id -u)" -eq 0 ] || skip "making a network namespace needs root."
[ -x "${E2E_CHROMIUM_PATH:-/usr/bin/chromium}" ] || skip "Chromium is not installed (apt-get install chromium)."

ns="guestlink-bench-$$"
cleanup() {
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
  sleep 0.5
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns" || { echo "Cannot create a network namespace here."; exit 1; }
ip -n "$ns" link set lo up &&
  ip -n "$ns" link add v0 type veth peer name v1 &&
  ip -n "$ns" addr add 10.99.0.1/24 dev v0 &&
  ip -n "$ns" addr add 10.99.0.2/24 dev v1 &&
  ip -n "$ns" link set v0 up &&
  ip -n "$ns" link set v1 up || { echo "Cannot set up the namespace's interfaces."; exit 1; }

ip netns exec "$ns" node dist/bench/live.js --engine janus --out "$out"
