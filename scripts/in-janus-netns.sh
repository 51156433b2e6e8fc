#!/usr/bin/env bash
# Runs a command inside a private network namespace made for Janus, then removes it with
# everything still running in it. Janus skips loopback interfaces when it gathers ICE
# candidates, so it needs a real one: the namespace has loopback plus a veth pair
# (10.99.0.1/24 on v0, where Janus gathers; 10.99.0.2/24 on v1) that exists only inside it.
# Janus, Guestlink and Chromium all run in it, and nothing outside it is reachable from it.
#   scripts/in-janus-netns.sh <name> <command> [args…]
# Exits 0 with one line when this machine cannot (no Janus, no iproute2, not root, no
# Chromium), so suites skip cleanly; otherwise with the command's status.
set -uo pipefail
name=${1:?usage: scripts/in-janus-netns.sh <name> <command> [args…]}
shift

skip() {
  echo "$name skipped: $1"
  exit 0
}
command -v janus >/dev/null 2>&1 || skip "Janus is not installed (apt-get install janus)."
command -v ip >/dev/null 2>&1 || skip "iproute2's ip is missing."
[ "$(id -u)" -eq 0 ] || skip "making a network namespace needs root."
[ -x "${E2E_CHROMIUM_PATH:-/usr/bin/chromium}" ] || skip "Chromium is not installed (apt-get install chromium)."

ns="guestlink-$name-$$"
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

ip netns exec "$ns" env GUESTLINK_JANUS_NETNS="$ns" "$@"
