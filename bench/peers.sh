# The peers benchmarks compare against (sourced): Debian's docker.io and podman,
# installed unless BENCH_NO_INSTALL=1; dockerd started when it is not running (and
# stopped again by stop_dockerd); podman given runtime runc and no default ulimits, which
# these hybrid-cgroup hosts need (crun refuses them). The sourcing script sets WORK.

started_dockerd=""
prepare_peers() {
  if [[ -z ${BENCH_NO_INSTALL:-} ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io podman "$@" >/dev/null 2>&1 || true
  fi
  if command -v podman >/dev/null && ! grep -qs '^runtime *= *"runc"' /etc/containers/containers.conf; then
    mkdir -p /etc/containers
    printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' >>/etc/containers/containers.conf
  fi
  if command -v dockerd >/dev/null && ! docker info >/dev/null 2>&1; then
    dockerd >"$WORK/dockerd.log" 2>&1 &
    started_dockerd=$!
    for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  fi
}
stop_dockerd() { [[ -z $started_dockerd ]] || { kill "$started_dockerd"; wait "$started_dockerd" 2>/dev/null; }; }
