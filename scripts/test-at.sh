#!/usr/bin/env bash
# Runs the whole test suite as if it were another hour, in another time zone:
#
#   scripts/test-at.sh 03:00 Pacific/Auckland     # the next 03:00 in Copenhagen, machine zone Auckland
#
# The suite must not depend on when or where it runs (business rules read the app's Clock, tests set
# it); this proves it. libfaketime moves the clock of the test processes and, by the same offset, of a
# PostgreSQL started here for the run, so the database's now() and the app's agree as they do in
# production. Redis stays the machine's own: it keeps only relative expiries, and libfaketime
# deadlocks its allocator. Needs root (to run PostgreSQL as the postgres user) and Debian's faketime,
# which it installs when missing. Extra arguments go to `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

local_time=${1:?usage: scripts/test-at.sh HH:MM [time zone] [npm test arguments]}
zone=${2:-UTC}
shift $(($# >= 2 ? 2 : 1))

lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1 || true)
if [ -z "$lib" ]; then
  echo "Installing faketime from Debian's packages"
  (apt-get install -y -qq faketime >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq faketime; }) >/dev/null
  lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -1)
fi

# Seconds from now to the next HH:MM in Copenhagen (the business's zone, whatever TZ the run uses).
offset=$(node -e '
  const { DateTime } = require("luxon");
  const [hour, minute] = process.argv[1].split(":").map(Number);
  const now = DateTime.now().setZone("Europe/Copenhagen");
  let at = now.set({ hour, minute, second: 0, millisecond: 0 });
  if (at <= now) at = at.plus({ days: 1 });
  console.log(Math.round(at.diff(now).as("seconds")));
' "$local_time")

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_port=${TEST_AT_PG_PORT:-5439}
work=$(mktemp -d /tmp/renos-test-at.XXXXXX)
chown postgres "$work"
fake=(env LD_PRELOAD="$lib" FAKETIME="+${offset}" DONT_FAKE_MONOTONIC=1 FAKETIME_NO_CACHE=1)

cleanup() {
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust >/dev/null
runuser -u postgres -- "${fake[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null

echo "Tests at $(TZ=Europe/Copenhagen "${fake[@]}" date '+%A %H:%M') in Copenhagen, machine zone $zone ($(TZ=$zone "${fake[@]}" date '+%H:%M %Z'))"
TZ=$zone "${fake[@]}" \
  TEST_DATABASE_ADMIN_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres" \
  npm test -- "$@"
