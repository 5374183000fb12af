#include "engine/shim_client.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/shim_protocol.hpp"
#include "engine/shim_stream.hpp"

extern char** environ;

namespace stack::engine {
namespace {

// The ends handed to the shim are dup'ed onto fds 3, 4 and 5 in order; one that sat on
// one of those numbers would be overwritten first. Moved to 10 or above, they cannot.
UniqueFd above_child_fds(UniqueFd fd, const std::string& what) {
  UniqueFd moved(fcntl(fd.get(), F_DUPFD_CLOEXEC, 10));
  if (!moved) throw syscall_error("duplicate " + what);
  return moved;
}

// Reads one line (without its newline) from a blocking fd; "" at EOF.
std::string read_line(int fd) {
  std::string line;
  char c;
  while (true) {
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') return line;
    line += c;
  }
}

// "error message\thint" -> stack::Error
[[noreturn]] void throw_reported(const std::string& text) {
  const size_t tab = text.find('\t');
  if (tab == std::string::npos) throw Error(text);
  throw Error(text.substr(0, tab), text.substr(tab + 1));
}

struct Spawned {
  UniqueFd sync;  // read end of the sync pipe
};

// attach_fd: the shim's end of an attach session, or -1; go_fd: the read end of the
// pipe that says "go", or -1.
Spawned spawn_shim(const Layout& layout, const std::string& id, int attach_fd, int go_fd = -1) {
  const std::string binary = shim_binary();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) throw syscall_error("create the shim's sync pipe");
  UniqueFd read_end(fds[0]);
  UniqueFd write_end = above_child_fds(UniqueFd(fds[1]), "the shim's sync pipe");
  std::vector<std::string> args = {binary,     "--id",       id, "--root", layout.roots().root, "--run-root",
                                   layout.roots().run_root, "--sync-fd", std::to_string(shim_protocol::kSyncFd)};
  if (attach_fd >= 0) {
    args.push_back("--attach-fd");
    args.push_back(std::to_string(shim_protocol::kAttachFd));
  }
  if (go_fd >= 0) {
    args.push_back("--go-fd");
    args.push_back(std::to_string(shim_protocol::kGoFd));
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), shim_protocol::kSyncFd);
  if (attach_fd >= 0) posix_spawn_file_actions_adddup2(&actions, attach_fd, shim_protocol::kAttachFd);
  if (go_fd >= 0) posix_spawn_file_actions_adddup2(&actions, go_fd, shim_protocol::kGoFd);
  // Its own session: no terminal, and no signal sent to this command's process group
  // (^C) reaches it. It stays our child only until we exit, then init adopts it.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw syscall_error("start " + binary, rc);
  write_end.reset();
  return Spawned{std::move(read_end)};
}

pid_t expect_running(int sync_fd) {
  const std::string line = read_line(sync_fd);
  if (line.rfind("running ", 0) == 0) return static_cast<pid_t>(std::atoi(line.c_str() + 8));
  if (line.rfind("error ", 0) == 0) throw_reported(line.substr(6));
  throw Error("stack-shim ended without starting the container" + (line.empty() ? "" : ": " + line));
}

// Connects to the control socket through the run dir, so the path length limit of
// sockaddr_un does not depend on how deep the run root is.
UniqueFd connect_shim(const Layout& layout, const std::string& id) {
  const std::string dir = layout.container_run_dir(id);
  UniqueFd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) throw ShimGone("no supervisor for container " + id + " (" + dir + ": " + std::strerror(errno) + ")");
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw syscall_error("create a socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = "/proc/self/fd/" + std::to_string(dir_fd.get()) + "/" + shim_protocol::kSocketName;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    throw ShimGone("no supervisor answers for container " + id + ": " + std::strerror(errno));
  return fd;
}

void send_line(int fd, const std::string& line) {
  const std::string text = line + "\n";
  if (::send(fd, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size()))
    throw ShimGone(std::string("the supervisor went away: ") + std::strerror(errno));
}

}  // namespace

std::string shim_binary() {
  if (const char* env = std::getenv("STACK_SHIM"); env && *env) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto candidate = self.parent_path() / "stack-shim";
    if (std::filesystem::exists(candidate)) return candidate.string();
  }
  return "/usr/local/libexec/stack/stack-shim";
}

pid_t start_shim(const Layout& layout, const std::string& id) {
  Spawned s = spawn_shim(layout, id, -1);
  return expect_running(s.sync.get());
}

std::string shim_request(const Layout& layout, const std::string& id, const std::string& request) {
  UniqueFd fd = connect_shim(layout, id);
  send_line(fd.get(), request);
  const std::string line = read_line(fd.get());
  if (line == "ok") return "";
  if (line.rfind("ok ", 0) == 0) return line.substr(3);
  if (line.rfind("error ", 0) == 0) throw Error(line.substr(6));
  throw ShimGone("the supervisor of container " + id + " went away before answering");
}

int start_attached(const Layout& layout, const std::string& id, const AttachStreams& streams,
                   const std::function<void()>& before_go) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) throw syscall_error("create the attach socket pair");
  UniqueFd ours(pair[0]);
  UniqueFd theirs = above_child_fds(UniqueFd(pair[1]), "the attach socket");
  std::pair<UniqueFd, UniqueFd> go;  // read end (the shim's), write end
  if (before_go) {
    int go_fds[2];
    if (pipe2(go_fds, O_CLOEXEC) < 0) throw syscall_error("create the shim's go pipe");
    go = {above_child_fds(UniqueFd(go_fds[0]), "the shim's go pipe"), UniqueFd(go_fds[1])};
  }
  Spawned s = spawn_shim(layout, id, theirs.get(), before_go ? go.first.get() : -1);
  theirs.reset();
  if (before_go) {
    go.first.reset();
    before_go();  // throws: the pipe closes unsaid and the shim ends
    if (::write(go.second.get(), "g", 1) != 1) throw syscall_error("start the shim");
    go.second.reset();
  }
  expect_running(s.sync.get());
  return pump_attach(ours.get(), streams, layout, id);
}

int attach(const Layout& layout, const std::string& id, const AttachStreams& streams) {
  UniqueFd fd = connect_shim(layout, id);
  send_line(fd.get(), "attach");
  const std::string line = read_line(fd.get());
  if (line.rfind("error ", 0) == 0) throw Error(line.substr(6));
  if (line != "ok") throw ShimGone("the supervisor of container " + id + " refused to attach");
  return pump_attach(fd.get(), streams, layout, id);
}

}  // namespace stack::engine
