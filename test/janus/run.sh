#!/usr/bin/env bash
# Runs the Janus suite (jest.janus.config.js) inside a private network namespace made for
# Janus (scripts/in-janus-netns.sh). Arguments go to jest (e.g. --json --outputFile=…).
cd "$(dirname "$0")/../.." || exit 1
exec scripts/in-janus-netns.sh janus-tests env -u TEST_DATABASE_URL \
  NODE_OPTIONS=--experimental-vm-modules npx jest --config jest.janus.config.js "$@"
