// The control socket: one request line per connection (shim_protocol.hpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "base/syscall_error.hpp"
#include "engine/shim/supervisor_impl.hpp"
#include "engine/shim_protocol.hpp"

namespace stack::engine::shim {
namespace {

constexpr size_t kMaxQueued = 8 << 20;  // an attached client this far behind is dropped
constexpr size_t kMaxRequest = 4096;

std::string frame(uint8_t stream, const char* data, size_t size) {
  std::string out(8, '\0');
  out[0] = static_cast<char>(stream);
  const uint32_t n = static_cast<uint32_t>(size);
  out[4] = static_cast<char>(n >> 24);
  out[5] = static_cast<char>(n >> 16);
  out[6] = static_cast<char>(n >> 8);
  out[7] = static_cast<char>(n);
  out.append(data, size);
  return out;
}

void send_now(Client& c, const std::string& text) { c.out += text; }

}  // namespace

// The socket lives in the run dir; bound by a relative name from inside it so the
// path length limit of sockaddr_un never bites, whatever the run root.
void Supervisor::listen() {
  const std::string run_dir = layout_.container_run_dir(opt_.id);
  std::filesystem::create_directories(run_dir);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw syscall_error("create the control socket");
  const std::string name = shim_protocol::kSocketName;
  UniqueFd dir(::open(run_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw syscall_error("open " + run_dir);
  ::unlinkat(dir.get(), name.c_str(), 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = "/proc/self/fd/" + std::to_string(dir.get()) + "/" + name;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    throw syscall_error("bind " + run_dir + "/" + name);
  ::fchmodat(dir.get(), name.c_str(), 0600, 0);
  if (::listen(fd.get(), 64) < 0) throw syscall_error("listen on " + run_dir + "/" + name);
  listen_fd_ = std::move(fd);
}

void Supervisor::accept_clients() {
  if (!listen_fd_) return;
  while (true) {
    UniqueFd fd(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;
    Client c;
    c.fd = std::move(fd);
    clients_.push_back(std::move(c));
  }
}

void Supervisor::add_poll_fds(std::vector<pollfd>& fds) const {
  for (const auto& c : clients_) {
    short events = 0;
    if (!c.input_closed) events |= POLLIN;
    if (!c.out.empty()) events |= POLLOUT;
    fds.push_back({c.fd.get(), events, 0});
  }
}

void Supervisor::on_client(Client& c, short revents) {
  if (revents & POLLOUT) {
    while (!c.out.empty()) {
      const ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      if (n < 0) {
        c.fd.reset();
        return;
      }
      c.out.erase(0, n);
    }
    if (c.out.empty() && c.close_when_flushed) {
      c.fd.reset();
      return;
    }
  }
  if ((revents & (POLLHUP | POLLERR)) && c.input_closed) {  // gone while we had nothing to read
    c.fd.reset();
    return;
  }
  if (!(revents & (POLLIN | POLLHUP | POLLERR)) || c.input_closed) return;
  char buf[8192];
  const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    c.input_closed = true;
    if (c.kind == Client::Kind::Attach && config_.stdin_open && !config_.tty) io_.in.reset();  // EOF on stdin
    if (c.kind == Client::Kind::Request || (c.out.empty() && c.kind != Client::Kind::Attach)) c.fd.reset();
    if (n < 0) c.fd.reset();
    return;
  }
  if (c.kind == Client::Kind::Attach) {
    if (io_.in) {
      stdin_buffer_.append(buf, n);
      flush_stdin();
    }
    return;
  }
  if (c.kind != Client::Kind::Request) return;
  c.in.append(buf, n);
  const size_t nl = c.in.find('\n');
  if (nl == std::string::npos) {
    if (c.in.size() > kMaxRequest) c.fd.reset();
    return;
  }
  const std::string line = c.in.substr(0, nl);
  const std::string rest = c.in.substr(nl + 1);
  c.in.clear();
  handle_request(c, line);
  if (c.kind == Client::Kind::Attach && !rest.empty() && io_.in) {
    stdin_buffer_ += rest;
    flush_stdin();
  }
}

void Supervisor::flush_stdin() {
  while (io_.in && !stdin_buffer_.empty()) {
    const ssize_t n = ::write(io_.in.get(), stdin_buffer_.data(), stdin_buffer_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) {  // the container closed its stdin
      stdin_buffer_.clear();
      io_.in.reset();
      return;
    }
    stdin_buffer_.erase(0, n);
  }
}

// Space-separated words (no streams: they pull in locale machinery the shim does not
// otherwise need, and every page counts against its RSS budget).
static std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    const size_t end = std::min(line.find(' ', i), line.size());
    if (end > i) out.push_back(line.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

static int number_or(const std::vector<std::string>& w, size_t i, int fallback) {
  if (i >= w.size()) return fallback;
  return static_cast<int>(std::strtol(w[i].c_str(), nullptr, 10));
}

void Supervisor::handle_request(Client& c, const std::string& line) {
  const std::vector<std::string> w = words(line);
  const std::string verb = w.empty() ? "" : w[0];
  const std::string arg = w.size() > 1 ? w[1] : "";
  const bool live = state_.status == Status::Running || state_.status == Status::Paused;
  auto reply = [&](const std::string& text) {
    send_now(c, text + "\n");
    c.close_when_flushed = true;
  };
  try {
    if (verb == "stop") {
      request_stop(c, parse_signal(arg.empty() ? "SIGTERM" : arg), number_or(w, 2, 10));
    } else if (verb == "kill") {
      const int number = parse_signal(arg.empty() ? "SIGKILL" : arg);
      if (!live && state_.status != Status::Restarting) return reply("error container " + config_.name + " is not running");
      state_.stop_requested = true;  // Docker: a killed container is not restarted
      save();
      if (state_.status == Status::Restarting) finish();
      else send_signal(number);
      reply("ok");
    } else if (verb == "pause") {
      if (state_.status == Status::Paused) return reply("error container " + config_.name + " is already paused");
      if (state_.status != Status::Running) return reply("error container " + config_.name + " is not running");
      cgroup_->freeze();
      state_.status = Status::Paused;
      save();
      reply("ok");
    } else if (verb == "unpause") {
      if (state_.status != Status::Paused) return reply("error container " + config_.name + " is not paused");
      cgroup_->thaw();
      state_.status = Status::Running;
      save();
      reply("ok");
    } else if (verb == "wait") {
      c.kind = Client::Kind::Waiter;
    } else if (verb == "resize") {
      io_.resize(static_cast<unsigned short>(number_or(w, 1, 24)), static_cast<unsigned short>(number_or(w, 2, 80)));
      reply("ok");
    } else if (verb == "attach") {
      c.kind = Client::Kind::Attach;
      send_now(c, "ok\n");
    } else {
      reply("error unknown request \"" + verb + "\"");
    }
  } catch (const std::exception& e) {
    reply(std::string("error ") + e.what());
  }
}

// Stop: the stop signal now, SIGKILL after the grace period (never with -1), no restart.
void Supervisor::request_stop(Client& c, int signal, int timeout_s) {
  c.kind = Client::Kind::Waiter;
  state_.stop_requested = true;
  trim_at_.reset();  // the shim ends with its container: trimming it is CPU a `down` needs
  if (state_.status == Status::Restarting) {
    finish();
    return;
  }
  save();
  send_signal(signal);
  if (state_.status == Status::Paused && cgroup_) {
    cgroup_->thaw();  // a frozen process cannot act on the signal
    state_.status = Status::Running;
    save();
  }
  if (timeout_s >= 0) {
    const auto at = Clock::now() + std::chrono::seconds(timeout_s);
    if (!kill_at_ || at < *kill_at_) kill_at_ = at;
  }
}

void Supervisor::broadcast(uint8_t stream, const char* data, size_t size) {
  for (auto& c : clients_) {
    if (c.kind != Client::Kind::Attach || !c.fd) continue;
    c.out += frame(stream, data, size);
    on_client(c, POLLOUT);
    if (c.fd && c.out.size() > kMaxQueued) c.fd.reset();
  }
}

void Supervisor::end_attach_sessions(int exit_code) {
  const std::string code = std::to_string(exit_code);
  for (auto& c : clients_) {
    if (c.kind != Client::Kind::Attach || !c.fd) continue;
    c.out += frame(shim_protocol::kExit, code.data(), code.size());
    c.close_when_flushed = true;
    c.input_closed = true;
    on_client(c, POLLOUT);
  }
}

void Supervisor::answer_waiters(int exit_code) {
  for (auto& c : clients_) {
    if (c.kind != Client::Kind::Waiter || !c.fd) continue;
    c.out += "ok " + std::to_string(exit_code) + "\n";
    c.close_when_flushed = true;
    on_client(c, POLLOUT);
  }
}

// Before the shim ends: let clients read what is queued for them, within a budget.
void Supervisor::drain_clients(std::chrono::milliseconds budget) {
  const auto until = Clock::now() + budget;
  while (true) {
    clients_.remove_if([](const Client& c) { return !c.fd || c.out.empty(); });
    if (clients_.empty() || Clock::now() >= until) return;
    std::vector<pollfd> fds;
    for (const auto& c : clients_) fds.push_back({c.fd.get(), POLLOUT, 0});
    poll(fds.data(), fds.size(), 50);
    for (auto& c : clients_) on_client(c, POLLOUT);
  }
}

}  // namespace stack::engine::shim
