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

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

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

# --- listing flags, global options and environment variables -------------------------

# expect NAME COMMAND...: a check whose condition is a shell command over $rc and $TMP/out|err.
expect() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else not_ok "$name" "condition failed: $*"; fi
}
out_is() { [[ $rc == 0 && "$(cat "$TMP/out")" == "$1" ]]; }
err_has() { [[ $rc == 1 ]] && grep -qF -- "$1" "$TMP/err"; }

mkdir -p "$TMP/proj/app"
cat >"$TMP/proj/compose.yaml" <<'YAML'
services:
  web:
    image: nginx:${TAG:-latest}
    networks: [front]
    volumes: [data:/data]
  app:
    build: ./app
    networks: [front, back]
  debug:
    image: busybox
    profiles: [debugging]
networks:
  front:
  back:
volumes:
  data:
YAML
printf 'TAG=1.25\n' >"$TMP/proj/.env"
printf 'TAG=from-env-file\n' >"$TMP/proj/other.env"
cat >"$TMP/proj/extra.yaml" <<'YAML'
services:
  web:
    environment: [EXTRA=1]
YAML

run "$TMP/proj" -- config --images
expect "config --images prints each image, project-service for built ones" out_is $'proj-app\nnginx:1.25'
run "$TMP/proj" -- config --volumes
expect "config --volumes prints the volume keys" out_is "data"
run "$TMP/proj" -- config --networks
expect "config --networks prints the network keys" out_is $'back\nfront'
run "$TMP/proj" -- config --profiles
expect "config --profiles prints every profile" out_is "debugging"
run "$TMP/proj" -- config --services
expect "config --services leaves out services of inactive profiles" out_is $'app\nweb'
run "$TMP/proj" -- --profile debugging config --services
expect "--profile enables a profile's services" out_is $'app\ndebug\nweb'
run "$TMP/proj" COMPOSE_PROFILES=debugging -- config --services
expect "COMPOSE_PROFILES enables a profile's services" out_is $'app\ndebug\nweb'
run "$TMP/proj" -- config --images web
expect "naming a service shows only it" out_is "nginx:1.25"
run "$TMP/proj" TAG=from-shell -- config --images web
expect "the shell environment wins over .env" out_is "nginx:from-shell"
run "$TMP/proj" -- --env-file other.env config --images web
expect "--env-file replaces .env" out_is "nginx:from-env-file"
run "$TMP/proj" -- config --no-interpolate --images web
expect "--no-interpolate keeps \${} text" out_is 'nginx:${TAG:-latest}'
run "$TMP/proj" -- -p custom config
expect "-p sets the project name" grep -qx 'name: custom' "$TMP/out"
run "$TMP/proj" COMPOSE_PROJECT_NAME=fromenv -- config
expect "COMPOSE_PROJECT_NAME sets the project name" grep -qx 'name: fromenv' "$TMP/out"
run "$TMP/proj" -- -p "Bad Name" config
expect "an invalid -p is an error naming it" err_has 'invalid project name "Bad Name"'
run "$TMP/proj" -- -f compose.yaml -f extra.yaml config --format json
expect "-f files are merged in order" [ "$(json_get 'd["services"]["web"]["environment"]["EXTRA"]')" = 1 ]
run "$TMP/proj" COMPOSE_FILE=compose.yaml:extra.yaml -- config --format json
expect "COMPOSE_FILE lists the files, split on ':'" [ "$(json_get 'd["services"]["web"]["environment"]["EXTRA"]')" = 1 ]
run "$TMP/proj" COMPOSE_FILE='compose.yaml;extra.yaml' COMPOSE_PATH_SEPARATOR=';' -- config --format json
expect "COMPOSE_PATH_SEPARATOR changes the separator" [ "$(json_get 'd["services"]["web"]["environment"]["EXTRA"]')" = 1 ]
run "$TMP/proj/app" -- config --services
expect "the compose file is found in a parent directory" out_is $'app\nweb'
run "$TMP/proj" -- config --hash web
expect "config --hash prints the service and a sha256" grep -qE '^web [0-9a-f]{64}$' "$TMP/out"
web_hash=$(cat "$TMP/out")
run "$TMP/proj" -- config --hash '*'
expect "config --hash '*' prints every service" [ "$(wc -l <"$TMP/out")" = 2 ] && grep -qxF "$web_hash" "$TMP/out"
run "$TMP/proj" -- config -o "$TMP/written.yaml"
expect "config -o writes the document to a file" grep -qx 'name: proj' "$TMP/written.yaml"
run "$TMP/proj" -- config nosuch
expect "naming an unknown service is an error" err_has 'no such service: nosuch'
run "$TMP/proj" -- config --bogus-flag
expect "an unknown flag exits 1" [ "$rc" = 1 ]
run "$TMP/proj" -- version
expect "version prints the version" grep -q '^stack version v' "$TMP/out"

mkdir -p "$TMP/dollar"
printf 'services:\n  app:\n    image: busybox\n    command: echo $$HOME ${TAG:-1}\n' >"$TMP/dollar/compose.yaml"
run "$TMP/dollar" -- config
expect "config prints a literal \$ doubled, so the output loads back" grep -qF -- '- $$HOME' "$TMP/out"
cp "$TMP/out" "$TMP/dollar/printed.yaml"
run "$TMP/dollar" -- -f printed.yaml config
expect "the printed model loads back to the same text" diff -q "$TMP/out" "$TMP/dollar/printed.yaml"
run "$TMP/dollar" -- config --no-interpolate
expect "--no-interpolate prints the file's text as it is" grep -qF -- '- $$HOME' "$TMP/out"

mkdir -p "$TMP/cycle"
cat >"$TMP/cycle/compose.yaml" <<'YAML'
services:
  web:
    image: nginx
    depends_on: [php]
  php:
    image: php
    depends_on: [web]
YAML
run "$TMP/cycle" -- config
expect "a dependency cycle exits 1 naming it" err_has 'dependency cycle detected: php -> web -> php'

mkdir -p "$TMP/warn"
cat >"$TMP/warn/compose.yaml" <<'YAML'
version: "3.8"
services:
  web:
    image: nginx:${UNSET_TAG}
YAML
run "$TMP/warn" -- config -q
expect "warnings go to stderr once each and do not fail the command" \
  [ "$rc" = 0 ] && [ "$(grep -c 'UNSET_TAG' "$TMP/err")" = 1 ] && grep -q 'version' "$TMP/err"

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

# --- the command tree: each invocation builds only its command's family ---------------

# Every command `stack --help` lists answers its own --help, named after global options
# whose values are other commands' words (a value taken for the command would build the
# wrong family and fail).
run "$TMP" -- --help
words=$(sed -n '/^Subcommands:/,$p' "$TMP/out" | awk 'NR > 1 && NF {print $1}')
missing=()
for w in $words; do
  run "$TMP" -- -p ps --log-level error --progress=quiet -fup.yaml "$w" --help
  ((rc == 0)) && grep -q "stack $w" "$TMP/out" || missing+=("$w")
done
if [[ $(wc -w <<<"$words") -ge 30 && ${#missing[@]} == 0 ]]; then
  ok "each of the $(wc -w <<<"$words") commands in --help answers its own --help after global options"
else
  not_ok "each command in --help answers its own --help after global options" "failed: ${missing[*]:-none}; listed: $words"
fi

run "$LNMP" -- -p ps config --services
expect "a project named after a command (-p ps) still runs the command given" [ "$rc" = 0 ]
run "$TMP" -- nosuch
if ((rc == 1)) && grep -q "'nosuch' is not a stack command" "$TMP/err"; then
  ok "an unknown command exits 1 and is named"
else
  not_ok "an unknown command exits 1 and is named" "exit status $rc"
fi

echo "$passed passed, $failed failed"
((failed == 0))
