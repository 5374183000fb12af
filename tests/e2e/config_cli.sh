#!/usr/bin/env bash
# End-to-end checks of `stack config`, driven as a user drives it.
#
#   tests/e2e/config_cli.sh STACK_BIN SRCDIR
#
# Prints "ok - <name>" or "not ok - <name>" per check, then "N passed, N failed";
# exits 1 when any check failed. Each run of stack gets a clean environment
# (no COMPOSE_* or MARIADB_* variables from the caller) and works in a temporary
# directory that is removed at the end; the source tree is only read.
set -uo pipefail

if (($# != 2)); then
  echo "usage: $0 STACK_BIN SRCDIR" >&2
  exit 2
fi
STACK=$(realpath "$1")
SRCDIR=$(realpath "$2")
LNMP=$SRCDIR/examples/lnmp

TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-config.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() {  # not_ok NAME WHY: shows what stack printed, to debug from the CI log
  echo "not ok - $1"
  echo "#   $2"
  sed 's/^/#   stdout: /' "$TMP/out" | head -n 20
  sed 's/^/#   stderr: /' "$TMP/err" | head -n 20
  failed=$((failed + 1))
}

# run DIR [VAR=value...] -- ARGS...: runs stack in DIR; stdout, stderr and the
# exit status land in $TMP/out, $TMP/err and $rc.
run() {
  local dir=$1
  shift
  local vars=()
  while (($#)) && [[ $1 != -- ]]; do vars+=("$1"); shift; done
  shift
  (cd "$dir" && env -i PATH="$PATH" HOME="$TMP/home" "${vars[@]}" "$STACK" "$@") \
    >"$TMP/out" 2>"$TMP/err" </dev/null
  rc=$?
}

json_get() {  # json_get PYTHON_EXPR: evaluates EXPR on the JSON document in $TMP/out as `d`
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/out" "$1"
}

mkdir -p "$TMP/home"

# --- the example project ---------------------------------------------------------

run "$LNMP" -- config
if ((rc != 0)); then
  not_ok "config in examples/lnmp exits 0" "exit status $rc"
elif ! grep -qx 'name: lnmp' "$TMP/out"; then
  not_ok "config in examples/lnmp prints the project name" "no 'name: lnmp' line"
elif ! grep -qx 'services:' "$TMP/out" || [[ $(grep -cE '^  (db|nginx|php):$' "$TMP/out") != 3 ]]; then
  not_ok "config in examples/lnmp prints the three services" "missing 'services:' or a '  db:/nginx:/php:' line"
else
  ok "config in examples/lnmp prints name: lnmp and its services"
fi

run "$LNMP" -- config --services
if ((rc == 0)) && [[ $(cat "$TMP/out") == $'db\nnginx\nphp' ]]; then
  ok "config --services prints db, nginx, php one per line, sorted"
else
  not_ok "config --services prints db, nginx, php one per line, sorted" "exit status $rc"
fi

run "$LNMP" -- config --format json
if ((rc == 0)) && python3 -c 'import json, sys; json.load(sys.stdin)' <"$TMP/out" 2>/dev/null; then
  ok "config --format json prints a JSON document"
else
  not_ok "config --format json prints a JSON document" "exit status $rc or not JSON"
fi

if ((rc == 0)) && [[ $(json_get 'd["name"]' 2>/dev/null) == lnmp ]] &&
  [[ $(json_get 'd["services"]["nginx"]["ports"][0]["target"]' 2>/dev/null) == 80 ]] &&
  [[ $(json_get 'repr(d["services"]["nginx"]["ports"][0]["published"])' 2>/dev/null) == "'8080'" ]]; then
  ok "config --format json has the name and the port as compose writes it (target 80, published \"8080\")"
else
  not_ok "config --format json has the name and the port as compose writes it (target 80, published \"8080\")" \
    "unexpected name or ports"
fi

run "$LNMP" -- config --format json
if ((rc == 0)) && [[ $(json_get 'd["services"]["db"]["environment"]["MARIADB_PASSWORD"]' 2>/dev/null) == secret ]]; then
  ok "config applies the \${MARIADB_PASSWORD:-secret} default when the variable is unset"
else
  not_ok "config applies the \${MARIADB_PASSWORD:-secret} default when the variable is unset" "exit status $rc"
fi

run "$LNMP" MARIADB_PASSWORD=from-env -- config --format json
if ((rc == 0)) && [[ $(json_get 'd["services"]["db"]["environment"]["MARIADB_PASSWORD"]' 2>/dev/null) == from-env ]]; then
  ok "config takes MARIADB_PASSWORD from the environment"
else
  not_ok "config takes MARIADB_PASSWORD from the environment" "exit status $rc"
fi

run "$LNMP" -- config -q
if ((rc == 0)) && [[ ! -s $TMP/out ]]; then
  ok "config -q prints nothing and exits 0"
else
  not_ok "config -q prints nothing and exits 0" "exit status $rc, $(wc -c <"$TMP/out") bytes of output"
fi

# --- errors ------------------------------------------------------------------------

mkdir -p "$TMP/broken"
printf 'services:\n  web:\n    image: nginx\n    image: httpd\n' >"$TMP/broken/compose.yaml"
run "$TMP/broken" -- config
if ((rc == 1)) && grep -q 'compose.yaml:4' "$TMP/err"; then
  ok "config of a broken file exits 1 and names compose.yaml and line 4"
else
  not_ok "config of a broken file exits 1 and names compose.yaml and line 4" "exit status $rc"
fi

mkdir -p "$TMP/empty"
run "$TMP/empty" -- config
if ((rc == 1)) && grep -q 'no configuration file provided' "$TMP/err"; then
  ok "config without a compose file exits 1 with 'no configuration file provided'"
else
  not_ok "config without a compose file exits 1 with 'no configuration file provided'" "exit status $rc"
fi

# --- round trip ----------------------------------------------------------------------

run "$LNMP" -- config
cp "$TMP/out" "$TMP/a.yaml"
first_rc=$rc
run "$LNMP" -- config -f "$TMP/a.yaml"
cp "$TMP/out" "$TMP/b.yaml"
if ((first_rc == 0 && rc == 0)) && diff -u "$TMP/a.yaml" "$TMP/b.yaml" >"$TMP/diff"; then
  ok "config output loaded again with -f prints the same document"
else
  cp "$TMP/diff" "$TMP/out" 2>/dev/null || true
  not_ok "config output loaded again with -f prints the same document" "exit status $first_rc/$rc; diff in stdout"
fi

echo "$passed passed, $failed failed"
((failed == 0))
