#!/usr/bin/env bash
# Installs every build and test dependency of stack as Debian packages, by name.
# Idempotent: packages already present are left alone; apt only runs when one is missing.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # fuzzing (libFuzzer) and sanitizer runtimes come with clang
  clang libclang-rt-14-dev
  # libraries (DESIGN.md section 10)
  libyaml-dev libfmt-dev libspdlog-dev libcli11-dev catch2 nlohmann-json3-dev libssl-dev libseccomp-dev
  # image store and registry client: libarchive (tar, gzip, zstd), libcurl (opened with dlopen)
  libarchive-dev libzstd-dev zlib1g-dev libcurl4-openssl-dev
  # networks: libnl (bridges, veths, addresses, routes; linked statically), libnftables
  # (the firewall; opened with dlopen by the commands that change rules)
  libnl-3-dev libnl-route-3-dev libnftables-dev nftables
  # registry tests: a real registry server (Distribution) and htpasswd for its bcrypt auth
  docker-registry apache2-utils
  # container tests: a static busybox for test root filesystems, tini for `init: true`
  busybox-static tini
  # tests and benchmarks (procps: `stack container top` runs ps; bsdutils: script(1)
  # gives the terminal tests a terminal; iproute2: ip for the network checks)
  # curl: the registry tests poll a registry until it answers
  python3 hyperfine procps bsdutils iproute2 curl
  # the DNS benchmark
  dnsperf
  # examples/lnmp: debian:bookworm-slim made with debootstrap; its page rendered by chromium
  debootstrap chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if ((EUID != 0)); then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
