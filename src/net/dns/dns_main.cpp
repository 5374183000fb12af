// stack-dns: the embedded DNS server of stack's bridge networks, one per run root.
// Started by ensure_dns_running (launcher.hpp), which reads its report on --ready-fd:
// "ready <pid>" or "error <message>". Exits when no network record remains.
//
//   stack-dns --run-root DIR [--ready-fd N] [--upstream-file FILE] [--port N] [--detach]
//
// --detach: the server leads a session of its own and is nobody's child (the process
// started exits at once, for its starter to reap); the fork is this small binary's, not
// the caller's, which may be a large multithreaded stack.
//
// STACK_DNS_UPSTREAM names the upstream file when --upstream-file is not given.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/error.hpp"
#include "base/unique_fd.hpp"
#include "net/dns/launcher.hpp"
#include "net/dns/records.hpp"
#include "net/dns/server.hpp"

namespace {

using stack::net::dns::ServerOptions;

struct Args {
  ServerOptions server;
  int ready_fd = -1;
  bool detach = false;
};

bool parse_args(int argc, char** argv, Args& args) {
  if (const char* env = std::getenv("STACK_DNS_UPSTREAM")) args.server.upstream_file = env;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--detach") {
      args.detach = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--run-root") args.server.run_root = value;
    else if (flag == "--ready-fd") args.ready_fd = std::atoi(value.c_str());
    else if (flag == "--upstream-file") args.server.upstream_file = value;
    else if (flag == "--port") args.server.port = static_cast<uint16_t>(std::atoi(value.c_str()));
    else return false;
  }
  return !args.server.run_root.empty();
}

void report(int fd, const std::string& line) {
  std::fprintf(stderr, "stack-dns: %s\n", line.c_str());
  if (fd < 0) return;
  const std::string text = line + "\n";
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);
}

// The server lock, held until the process ends; its pid written inside for callers.
stack::UniqueFd take_server_lock(const std::string& run_root) {
  const std::string path = stack::net::dns::server_lock_path(run_root);
  stack::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) throw stack::Error("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0)
    throw stack::Error("another stack-dns already serves " + run_root + " (" + path + " is locked)");
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), pid.data(), pid.size(), 0) < 0)
    throw stack::Error("cannot write " + path + ": " + std::strerror(errno));
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, args)) {
    std::fprintf(stderr, "usage: stack-dns --run-root DIR [--ready-fd N] [--upstream-file FILE] [--port N] [--detach]\n");
    return 2;
  }
  if (args.detach) {
    ::setsid();
    const pid_t child = ::fork();
    if (child < 0) {
      report(args.ready_fd, std::string("error fork: ") + std::strerror(errno));
      return 1;
    }
    if (child > 0) return 0;
  }
  try {
    const stack::UniqueFd lock = take_server_lock(args.server.run_root);
    stack::net::dns::Server server(args.server);
    report(args.ready_fd, "ready " + std::to_string(::getpid()));
    server.run();
    return 0;
  } catch (const stack::Error& e) {
    report(args.ready_fd, std::string("error ") + e.what());
    return 1;
  }
}
