// stack-shim: one per container (DESIGN section 2). Started by stack in a session of
// its own with the sync pipe on fd 3, it supervises the container until it exited for
// good, and outlives the stack command that started it.
//   stack-shim --id ID --root DIR --run-root DIR [--sync-fd N] [--cgroup-root DIR]
//              [--attach-fd N] [--go-fd N]
// (the container's files are where engine/layout.hpp says, under the two roots)
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/shim/memory_trim.hpp"
#include "engine/shim/supervisor.hpp"

namespace {

[[noreturn]] void usage(const char* why) {
  fprintf(stderr, "stack-shim: %s\n", why);
  fprintf(stderr, "usage: stack-shim --id ID --root DIR --run-root DIR [--sync-fd N] [--cgroup-root DIR] [--attach-fd N] [--go-fd N]\n");
  exit(2);
}

stack::engine::shim::ShimOptions parse(int argc, char** argv) {
  stack::engine::shim::ShimOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--id") o.id = value();
    else if (a == "--root") o.roots.root = value();
    else if (a == "--run-root") o.roots.run_root = value();
    else if (a == "--cgroup-root") o.cgroup_root = value();
    else if (a == "--sync-fd") o.sync_fd = std::atoi(value().c_str());
    else if (a == "--attach-fd") o.attach_fd = std::atoi(value().c_str());
    else if (a == "--go-fd") o.go_fd = std::atoi(value().c_str());
    else usage(("unknown argument " + a).c_str());
  }
  if (o.id.empty() || o.roots.root.empty() || o.roots.run_root.empty()) usage("--id, --root and --run-root are required");
  return o;
}

// The shim must not hold the caller's terminal or session: stack spawns it as the
// leader of a new session (setsid here too, for a shim started by other means), with
// stdio on /dev/null. No fork: stack does not wait for the shim; init adopts it once
// stack exits, and sparing the fork is a measurable part of a container start.
void detach() {
  setsid();
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    if (null > 2) ::close(null);
  }
  if (chdir("/") < 0) _exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  stack::engine::shim::populate_startup_memory();
  const stack::engine::shim::ShimOptions options = parse(argc, argv);
  if (options.sync_fd >= 0) fcntl(options.sync_fd, F_SETFD, FD_CLOEXEC);
  if (options.attach_fd >= 0) fcntl(options.attach_fd, F_SETFD, FD_CLOEXEC);
  detach();
  if (options.go_fd >= 0) {
    char go = 0;
    while (::read(options.go_fd, &go, 1) < 0 && errno == EINTR) {
    }
    if (go != 'g') return 0;  // stack could not write the records: nothing to do
    ::close(options.go_fd);
  }
  try {
    return stack::engine::shim::run_supervisor(options);
  } catch (const std::exception& e) {
    if (options.sync_fd >= 0) {
      const std::string line = std::string("error ") + e.what() + "\n";
      ssize_t unused = ::write(options.sync_fd, line.data(), line.size());
      (void)unused;
    }
    return 1;
  }
}
