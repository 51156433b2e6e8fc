#!/usr/bin/env bash
# The Janus part of the live bench: `node dist/bench/live.js --engine janus --out <file>`
# inside a private network namespace made for Janus (scripts/in-janus-netns.sh). The rows go
# to <file> for `npm run bench` to show.
cd "$(dirname "$0")/.." || exit 1
out=${1:?usage: bench/live-janus.sh <rows.json>}
exec scripts/in-janus-netns.sh janus-bench node dist/bench/live.js --engine janus --out "$out"
