#!/usr/bin/env bash
# Redis on 127.0.0.1:6379 for the shared-cache session tests and the benchmark: installed and started
# when missing (it keeps nothing on disk here; the app only caches in it).
set -euo pipefail
if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then exit 0; fi
if ! command -v redis-server >/dev/null; then
  echo "Redis is missing: installing it"
  apt-get install -y -qq redis-server >/dev/null
fi
redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null
for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0; sleep 0.5; done
echo "Redis did not start on 127.0.0.1:6379" >&2
exit 1
