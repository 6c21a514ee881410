# Shared by the scripts in this folder: make sure a PostgreSQL server is answering.

POSTGRES_HOST="${POSTGRES_HOST:-127.0.0.1}"
POSTGRES_PORT="${POSTGRES_PORT:-5432}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"

ensure_postgres() {
  if pg_isready -q -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" 2>/dev/null; then
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; installing it from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  echo "starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do
    pg_isready -q -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" && return 0
    sleep 0.5
  done
  echo "PostgreSQL did not come up on $POSTGRES_HOST:$POSTGRES_PORT" >&2
  return 1
}

psql_admin() {
  psql -v ON_ERROR_STOP=1 -qAt -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres "$@"
}

# The JavaScript client tests (graphql-ws, the MCP TypeScript SDK) run on Node.js.
ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    return 0
  fi
  echo "Node.js is not installed; installing it from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}

# The README test (api/tests/api/readme.rs) runs the README's shell snippets under bash
# and zsh; they use curl and jq.
ensure_readme_tools() {
  local missing=() tool
  for tool in zsh jq curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "${missing[*]} not installed; installing from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Builds todo-api and todo-mcp (target/debug) for the scripts that run them. Built as part
# of the test build, with its package set and so its features: a narrower `cargo build -p
# api` resolves other features for shared dependencies and compiles about a hundred
# crates again (5 minutes on 2 cores). After scripts/test's own test build this is a
# no-op.
build_servers() {
  cargo test --workspace --exclude web --locked --no-run --quiet
}
