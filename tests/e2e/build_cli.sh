#!/usr/bin/env bash
# End-to-end checks of image builds as root (`stack image build`, compose `build:`,
# `stack build`, `up --build`), offline: every Dockerfile starts FROM a busybox image the
# script imports. Temporary state roots; everything made is removed at the end.
#
#   tests/e2e/build_cli.sh STACK_BIN
set -uo pipefail

if (($# != 1)); then
  echo "usage: $0 STACK_BIN" >&2
  exit 2
fi
STACK=$(realpath "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-build.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run
export PARENT=stack-e2e-build-$$
P=e2ebuild$$

cleanup() {
  [[ -n ${http_pid:-} ]] && kill "$http_pid" 2>/dev/null
  [[ -d $TMP/proj ]] && (cd "$TMP/proj" && "$STACK" -p "$P" down -v -t 0 >/dev/null 2>&1)
  remove_test_containers
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

R=$TMP/busybox
make_busybox_rootfs "$R"
tar -C "$R" -c . | "$STACK" image import -c 'CMD ["sh"]' - stk-build-base:1 >/dev/null || exit 1

# run IMAGE ARGS...: a container of the image, its output in $TMP/out.
run() { st container run --rm --network none --cgroup-parent "$PARENT" "$@"; }
build() { st image build "$@"; }

C=$TMP/ctx
mkdir -p "$C/app/sub" "$C/skipped"
echo "hello" >"$C/app/hello.txt"
echo "deep" >"$C/app/sub/deep.txt"
echo "secret" >"$C/skipped/secret.txt"
echo "log" >"$C/app/debug.log"
printf 'skipped\n*.log\n**/*.log\n' >"$C/.dockerignore"
mkdir -p "$TMP/tarsrc/pkg" && echo "from tar" >"$TMP/tarsrc/pkg/inside.txt"
tar -C "$TMP/tarsrc" -czf "$C/bundle.tar.gz" pkg

cat >"$C/Dockerfile" <<'DOCKERFILE'
# syntax=docker/dockerfile:1
ARG BASE=stk-build-base:1
FROM ${BASE} AS builder
RUN mkdir -p /out && echo built >/out/artifact && echo gone >/out/tmpfile
RUN rm /out/tmpfile && cat /out/artifact >/out/seen-by-next-step

FROM $BASE
ARG GREETING=hi
ENV APP_HOME=/srv/app \
    MODE="two words"
LABEL org.example.title="test image" version=1
WORKDIR $APP_HOME
COPY app/ ./
COPY . /ctx/
COPY --chown=1234:2345 --chmod=640 app/hello.txt /owned/hello.txt
ADD bundle.tar.gz /unpacked/
COPY --from=builder /out/ /from-builder/
RUN echo "$GREETING $MODE" >greeting && chmod 1777 /tmp && echo "appuser:x:1500:1500::/tmp:/bin/sh" >>/etc/passwd
USER appuser
RUN id -u >/tmp/uid-at-build
EXPOSE 8080 53/udp
STOPSIGNAL SIGQUIT
ENTRYPOINT ["sh", "-c", "echo entry:$0:$*"]
CMD ["default-arg"]
DOCKERFILE

build -t stk-built:1 "$C"
check "a 10-step Dockerfile builds and is tagged" [ "$rc" = 0 ]
check "the build prints the classic steps" out_has "Step 1/"
check "the build says it was tagged" out_has "Successfully tagged stk-built:1"
id1=$("$STACK" image inspect -f '{{.Id}}' stk-built:1 2>/dev/null)

run stk-built:1
check "ENTRYPOINT and CMD run as docker runs them" out_is "entry:default-arg:"
run stk-built:1 x y
check "arguments replace CMD, not ENTRYPOINT" out_is "entry:x:y"
run --entrypoint cat stk-built:1 /from-builder/artifact /from-builder/seen-by-next-step
check "COPY --from a stage; RUN sees the previous step's files" out_is $'built\nbuilt'
run --entrypoint ls stk-built:1 /from-builder
check "RUN rm hides the deleted file in the image" out_is $'artifact\nseen-by-next-step'
# The base has no /etc/hosts, /etc/hostname or /etc/resolv.conf: the mount points of the
# RUN containers come from the init layer, not from their own layers.
check "no RUN layer keeps the mount points of /etc" \
  eval '[[ -z $(find "$STACK_ROOT/image/layers" \( -path "*/etc/hosts" -o -path "*/etc/hostname" -o -path "*/etc/resolv.conf" \) -print -quit) ]]'
run --entrypoint sh stk-built:1 -c 'pwd; cat greeting; echo $MODE; id -u; cat /tmp/uid-at-build'
check "WORKDIR, ENV with quotes, ARG in RUN, USER for RUN and the container" out_is $'/srv/app\nhi two words\ntwo words\n1500\n1500'
run --entrypoint sh stk-built:1 -c 'ls /srv/app | tr "\n" " "; cat /srv/app/sub/deep.txt'
check "COPY of a directory copies its contents; .dockerignore keeps files out" out_is "greeting hello.txt sub deep"
run --entrypoint sh stk-built:1 -c 'ls /ctx /ctx/app | tr "\n" " "'
check "COPY . leaves out what .dockerignore names (a directory, **/*.log)" out_is "/ctx: Dockerfile app bundle.tar.gz  /ctx/app: hello.txt sub "
run --entrypoint stat stk-built:1 -c '%u:%g %a' /owned/hello.txt
check "COPY --chown and --chmod" out_is "1234:2345 640"
run --entrypoint cat stk-built:1 /unpacked/pkg/inside.txt
check "ADD extracts a local tar.gz" out_is "from tar"
st image inspect -f '{{json .Config.ExposedPorts}} {{.Config.StopSignal}} {{json .Config.Labels}}' stk-built:1
check "EXPOSE, STOPSIGNAL and LABEL are in the image config" out_is '{"53/udp":{},"8080/tcp":{}} SIGQUIT {"org.example.title":"test image","version":"1"}'

# 20 steps: 2 FROM, 1 ARG (no cache line), 17 that a rebuild takes from the cache; a RUN
# taken from the cache runs no container.
build -t stk-built:1 "$C"
check "an unchanged rebuild takes every step from the cache" [ "$rc" = 0 -a "$(grep -c '^Step ' "$TMP/out")" = 20 -a "$(grep -c 'Using cache' "$TMP/out")" = 17 ]
id2=$("$STACK" image inspect -f '{{.Id}}' stk-built:1 2>/dev/null)
check "an unchanged rebuild gives the same image id" [ -n "$id1" -a "$id1" = "$id2" ]

echo "hello again" >"$C/app/hello.txt"
build -t stk-built:2 "$C"
# the builder stage's 2 RUNs and ENV, LABEL, WORKDIR come from the cache; COPY app/ on is rebuilt
check "a changed copied file rebuilds from that step on" [ "$rc" = 0 -a "$(grep -c 'Using cache' "$TMP/out")" = 5 ]
run --entrypoint cat stk-built:2 /srv/app/hello.txt
check "the rebuilt image has the new content" out_is "hello again"

build --build-arg GREETING=howdy -t stk-built:3 "$C"
run --entrypoint cat stk-built:3 /srv/app/greeting
check "--build-arg overrides an ARG default" out_is "howdy two words"

build --target builder -t stk-built:builder "$C"
run --entrypoint ls stk-built:builder /out
check "--target stops at that stage" out_is $'artifact\nseen-by-next-step'

mkdir -p "$TMP/bad"
printf 'FROM stk-build-base:1\nRUN echo one\nRUN echo two; exit 3\nRUN echo never\n' >"$TMP/bad/Dockerfile"
build -t stk-bad:1 "$TMP/bad"
check "a failing RUN exits non-zero" [ "$rc" != 0 ]
check "a failing RUN names the line, the command and its exit code" err_has "Dockerfile:3: RUN echo two; exit 3: the command '/bin/sh -c echo two; exit 3' returned a non-zero code: 3"
st image inspect stk-bad:1
check "a failed build leaves no image" [ "$rc" != 0 ]
check "a failed build leaves no container" bash -c "[ -z \"\$('$STACK' container ls -aq)\" ]"

printf 'FROM stk-build-base:1\nRUNN echo\n' >"$TMP/bad/Dockerfile"
build "$TMP/bad"
check "an unknown instruction is an error with its line" err_has "Dockerfile:2: unknown instruction: RUNN"

printf 'FROM stk-build-base:1\nCOPY missing.txt /\n' >"$TMP/bad/Dockerfile"
build "$TMP/bad"
check "a missing COPY source is an error naming it" err_has "missing.txt"

# heredocs, SHELL, HEALTHCHECK, ONBUILD, ADD from a URL (a server on loopback)
mkdir -p "$TMP/www" "$TMP/more"
echo "remote content" >"$TMP/www/remote.txt"
port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$TMP/www" "$port" >/dev/null 2>&1 &
http_pid=$!
eventually bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
cat >"$TMP/more/Dockerfile" <<DOCKERFILE
FROM stk-build-base:1
ARG WHO=builder
ONBUILD RUN echo triggered >/onbuild
HEALTHCHECK --interval=5s --retries=2 CMD ["true"]
SHELL ["/bin/sh", "-ec"]
RUN <<EOF
echo line1 >/heredoc
echo line2 >>/heredoc
EOF
COPY <<EOF /etc/motd
welcome \$WHO
EOF
ADD http://127.0.0.1:$port/remote.txt /remote.txt
DOCKERFILE
build -t stk-parent:1 "$TMP/more"
check "heredocs, SHELL, HEALTHCHECK, ONBUILD and ADD of a URL build" [ "$rc" = 0 ]
run --entrypoint cat stk-parent:1 /heredoc /etc/motd /remote.txt
check "RUN and COPY heredocs, ADD from a URL" out_is $'line1\nline2\nwelcome builder\nremote content'
st image inspect -f '{{json .Config.Healthcheck}} {{json .Config.Shell}} {{json .Config.OnBuild}}' stk-parent:1
check "HEALTHCHECK, SHELL and ONBUILD are in the image config" out_is '{"Interval":5000000000,"Retries":2,"Test":["CMD","true"]} ["/bin/sh","-ec"] ["RUN echo triggered >/onbuild"]'
printf 'FROM stk-parent:1\nRUN cat /onbuild\n' >"$TMP/more/Dockerfile"
build -t stk-child:1 "$TMP/more"
run --entrypoint cat stk-child:1 /onbuild
check "ONBUILD triggers run in the child build" out_is "triggered"
kill "$http_pid" 2>/dev/null

# compose: build: with the image named <project>-<service>, stack build, up --build
mkdir -p "$TMP/proj/web"
printf 'FROM stk-build-base:1\nARG WORD\nRUN echo "$WORD" >/word\nCMD ["sh", "-c", "cat /word; exec sleep 600"]\n' >"$TMP/proj/web/Dockerfile"
cat >"$TMP/proj/compose.yaml" <<YAML
name: $P
services:
  web:
    build:
      context: ./web
      args:
        WORD: first
    cgroup_parent: $PARENT
    network_mode: none
    stop_signal: SIGKILL
  worker:
    build:
      context: ./web
      args:
        WORD: work
      cache_from: ["type=local,src=/nowhere"]
    cgroup_parent: $PARENT
    network_mode: none
    stop_signal: SIGKILL
YAML
cd "$TMP/proj" || exit 1
st up -d
check "up builds a missing image" [ "$rc" = 0 ]
st image inspect -f '{{.Id}}' "$P-web"
check "the built image is named <project>-<service>" [ "$rc" = 0 ]
eventually bash -c "'$STACK' logs web 2>/dev/null | grep -q first"
check "the service runs the built image" [ $? = 0 ]
sed -i 's/WORD: first/WORD: second/' compose.yaml
st build web
check "stack build rebuilds with the file's args" [ "$rc" = 0 ]
st build --no-cache
check "stack build builds several services at once, each line prefixed" bash -c "[ $rc = 0 ] && grep -q '^web    | Step 3/4 : RUN' $TMP/out && grep -q '^worker | Step 3/4 : RUN' $TMP/out"
check "an ignored build key is said" err_has 'service "worker": build.cache_from is not supported by this builder and is ignored'
st up -d --build
check "up --build recreates the service with the new image" [ "$rc" = 0 ]
eventually bash -c "'$STACK' logs web 2>/dev/null | grep -q second"
check "the recreated container runs the new image" [ $? = 0 ]
st down -t 0
check "down after a build" [ "$rc" = 0 ]

summary
