#!/usr/bin/env bash
# Every fault drill in turn; stops at the first failure.
#   benches/drills/all.sh
set -euo pipefail
cd "$(dirname "$0")"
for d in smtp two_servers kill9 pg_restart sigterm; do
  echo "=== drill: $d"
  ./$d.sh
done
echo "=== every drill passed"
