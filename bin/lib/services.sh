# Throwaway PostgreSQL and Azurite on free loopback ports, for bin/demo and bin/bench-backup.
# Source it, then: start_postgres DIR; start_azurite DIR; stop_services (also on EXIT).
# Sets PG_PORT, PG_PASSWORD, PG_BIN, AZURITE_CONNECTION_STRING.

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

# initdb/postgres refuse to run as root: run them as the postgres user then.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR [BIN]: a cluster of the machine's newest server, or of the server in BIN (another
# major); several may run at once, and stop_services stops them all.
start_postgres() {
  local dir="$1"
  PG_BIN="${2:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
  PG_PORT="$(free_port)"
  PG_PASSWORD="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  PG_DIR="$dir"
  mkdir -p "$dir"
  (umask 077; printf '%s\n' "$PG_PASSWORD" > "$dir/pwfile")
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 \
    --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  rm -f "$dir/pwfile"
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $dir ${PG_EXTRA_OPTIONS:-}" start >/dev/null
  PG_STARTED+=("$PG_BIN|$dir")
}

start_azurite() {
  local dir="$1" blob queue table
  mkdir -p "$dir"
  blob="$(free_port)"; queue="$(free_port)"; table="$(free_port)"
  node "$SERVICES_HOME/node_modules/azurite/dist/src/azurite.js" --silent --location "$dir" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --blobPort "$blob" \
    --queuePort "$queue" --tablePort "$table" --skipApiVersionCheck --loose --disableTelemetry \
    > "$dir/azurite.log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$blob") 2>/dev/null && break
    sleep 0.1
  done
  AZURITE_BLOB_PORT="$blob"
  # Azurite's documented development account: public, and valid only against the emulator.
  AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${queue}/devstoreaccount1;"
}

# Stops both and waits for them to be gone: Azurite up to 30 s after SIGTERM (it saves its
# data first), then SIGKILL; pg_ctl -w waits for the server itself.
stop_services() {
  if [ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null; then
    for _ in $(seq 1 300); do
      kill -0 "$AZURITE_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  AZURITE_PID=""
  local started
  for started in "${PG_STARTED[@]}"; do
    as_postgres "${started%%|*}/pg_ctl" -D "${started#*|}/data" -m fast -w stop >/dev/null 2>&1 || true
  done
  PG_STARTED=()
  PG_DIR=""
}

# psql as the superuser of the throwaway cluster; the password goes in the environment only.
pg_sql() {
  local db="$1"; shift
  PGPASSWORD="$PG_PASSWORD" psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" -v ON_ERROR_STOP=1 "$@"
}

SERVICES_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PG_STARTED=()
trap stop_services EXIT
