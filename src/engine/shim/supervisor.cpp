#include "engine/shim/supervisor_impl.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>

#include <algorithm>
#include <filesystem>

#include "base/files.hpp"
#include "base/syscall_error.hpp"
#include "base/wait_status.hpp"
#include "engine/container_events.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/runtime/spec_json.hpp"
#include "engine/shim_lock.hpp"
#include "engine/shim/memory_trim.hpp"

namespace stack::engine::shim {
namespace {

// Long enough for the rest of an `up` of tens of containers to be started.
constexpr auto kTrimDelay = std::chrono::milliseconds(250);

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\t', ' ');
  return text;
}

}  // namespace

Supervisor::Supervisor(const ShimOptions& options)
    : opt_(options),
      layout_(options.roots),
      bundle_(layout_.container_dir(options.id)),
      spec_(runtime::spec_from_json(base::read_file(layout_.spec_path(options.id)), layout_.spec_path(options.id))),
      config_(load_config(bundle_)),
      policy_(parse_restart_policy(config_.restart_policy)),
      log_(layout_.log_path(options.id), config_.log.max_size, config_.log.max_file) {
  if (auto text = base::read_file_if_exists(bundle_ + "/state.json")) state_ = state_from_json(*text, bundle_ + "/state.json");
  state_.id = config_.id;
  state_.name = config_.name;
  state_.stop_requested = false;  // a new start: the restart policy applies again
}

int Supervisor::run() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  // The shim outlives terminals and sessions: these must not end it.
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);
  signal_fd_ = UniqueFd(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
  try {
    if (!signal_fd_) throw syscall_error("signalfd");
    listen();
    if (opt_.attach_fd >= 0) {
      Client c;
      c.fd = UniqueFd(opt_.attach_fd);
      c.kind = Client::Kind::Attach;
      fcntl(c.fd.get(), F_SETFL, O_NONBLOCK);
      clients_.push_back(std::move(c));
    }
    launch();
  } catch (const std::exception& e) {
    std::string message = e.what();
    std::string hint;
    if (auto* err = dynamic_cast<const Error*>(&e)) hint = err->hint();
    state_.error = message;
    state_.exit_code = 127;
    save();
    report_sync("error " + one_line(message) + (hint.empty() ? "" : "\t" + one_line(hint)));
    end_attach_sessions(127);
    drain_clients(std::chrono::milliseconds(500));
    ::unlink(layout_.shim_socket(opt_.id).c_str());
    return 1;
  }
  report_sync("running " + std::to_string(pid_));
  // Not now: an `up` starts its other containers in these milliseconds, and the trim
  // (about half a millisecond of CPU) would compete with them for the cores.
  trim_at_ = Clock::now() + kTrimDelay;
  loop();
  return 0;
}

void Supervisor::report_sync(const std::string& line) {
  if (opt_.sync_fd < 0) return;
  const std::string text = line + "\n";
  ssize_t unused = ::write(opt_.sync_fd, text.data(), text.size());
  (void)unused;
  ::close(opt_.sync_fd);
  opt_.sync_fd = -1;
}

// Starts (or restarts) the container's init with fresh stdio.
void Supervisor::launch() {
  io_ = make_container_io(config_.tty, config_.stdin_open);
  runtime::StartOptions o;
  o.id = opt_.id;
  o.rootfs = layout_.rootfs_dir(opt_.id);
  o.seccomp_cache_dir = layout_.seccomp_cache_dir();
  o.cgroup_root = opt_.cgroup_root;
  o.stdin_fd = io_.child_in ? io_.child_in.get() : -1;
  o.stdout_fd = io_.child_out.get();
  o.stderr_fd = io_.child_err ? io_.child_err.get() : io_.child_out.get();
  o.console_socket = io_.child_console ? io_.child_console.get() : -1;
  std::filesystem::create_directories(o.rootfs);
  // Once per shim: restarts and healthchecks (exec_seccomp_) load the same program.
  if (!exec_seccomp_) exec_seccomp_ = runtime::seccomp_program_for(spec_, layout_.seccomp_cache_dir());
  o.seccomp = &*exec_seccomp_;
  runtime::StartedContainer started = runtime::start_container(spec_, o);
  io_.close_child_ends();
  if (io_.tty) {
    try {
      io_.receive_terminal();  // sent before the container's exec, which has happened
    } catch (...) {
      ::kill(started.pid, SIGKILL);
      waitpid(started.pid, nullptr, 0);
      started.cgroup.remove();
      throw;
    }
  }
  pid_ = started.pid;
  cgroup_ = started.cgroup;
  started_at_ = Clock::now();
  state_.status = Status::Running;
  state_.pid = pid_;
  state_.shim_pid = getpid();
  state_.started = now_rfc3339();
  state_.exit_code = 0;
  state_.oom_killed = false;
  state_.error.clear();
  if (HealthMonitor::enabled(config_.healthcheck)) {
    health_.emplace(*config_.healthcheck, started_at_);
    if (!state_.health) state_.health = Health{};
    state_.health->status = "starting";
    state_.health->failing_streak = 0;
  }
  save();
  event("start");  // every start, restarts by the policy included (as Docker: die, then start)
}

void Supervisor::event(const std::string& action, const std::map<std::string, std::string>& extra) const {
  record_container_event(layout_, config_, action, extra);
}

void Supervisor::save() {
  try {
    save_state(bundle_, state_);
  } catch (const std::exception&) {
    // A full disk must not take the supervisor down: the container keeps running and
    // the next write (or `stack`, which checks the processes) catches up.
  }
}

std::optional<Clock::time_point> Supervisor::next_deadline() const {
  std::optional<Clock::time_point> next;
  auto consider = [&](const std::optional<Clock::time_point>& t) {
    if (t && (!next || *t < *next)) next = t;
  };
  consider(restart_at_);
  consider(kill_at_);
  consider(trim_at_);
  if (health_run_) consider(health_run_->deadline);
  else if (health_ && state_.status == Status::Running) consider(health_->next_check());
  return next;
}

void Supervisor::loop() {
  while (!done_) {
    std::vector<pollfd> fds{{signal_fd_.get(), POLLIN, 0}, {listen_fd_.get(), POLLIN, 0}};
    if (io_.out) fds.push_back({io_.out.get(), POLLIN, 0});
    if (io_.err) fds.push_back({io_.err.get(), POLLIN, 0});
    if (io_.in && !stdin_buffer_.empty()) fds.push_back({io_.in.get(), POLLOUT, 0});
    if (health_run_ && health_run_->output) fds.push_back({health_run_->output.get(), POLLIN, 0});
    add_poll_fds(fds);
    int timeout = -1;
    if (auto next = next_deadline()) {
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
      timeout = static_cast<int>(std::clamp<int64_t>(ms, 0, 60000));
    }
    if (poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) break;
    for (const pollfd& p : fds) {
      if (!p.revents) continue;
      if (p.fd == signal_fd_.get()) on_signals();
      else if (p.fd == listen_fd_.get()) accept_clients();
      else if (io_.out && p.fd == io_.out.get()) read_output(p.fd, "stdout", false);
      else if (io_.err && p.fd == io_.err.get()) read_output(p.fd, "stderr", false);
      else if (io_.in && p.fd == io_.in.get()) flush_stdin();
      else if (health_run_ && health_run_->output && p.fd == health_run_->output.get()) on_health_output();
      else
        for (auto& c : clients_)
          if (c.fd.get() == p.fd) on_client(c, p.revents);
      if (done_) break;
    }
    clients_.remove_if([](const Client& c) { return !c.fd; });
    if (!done_) on_deadlines(Clock::now());
  }
  drain_clients(std::chrono::milliseconds(1000));
}

void Supervisor::on_signals() {
  signalfd_siginfo info;
  while (::read(signal_fd_.get(), &info, sizeof info) == sizeof info) {
  }
  while (true) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    if (pid == pid_) on_container_exit(status);
    else if (health_run_ && pid == health_run_->helper) on_health_exit(status);
    else abandoned_helpers_.erase(std::remove(abandoned_helpers_.begin(), abandoned_helpers_.end(), pid),
                                  abandoned_helpers_.end());
  }
}

// Output: into the log and to every attached client.
void Supervisor::read_output(int fd, const char* stream, bool until_eof) {
  char buf[16384];
  timespec now{};
  for (int rounds = 0; rounds < 64 || until_eof; ++rounds) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0 || errno != EAGAIN) {  // EOF, or EIO from a pty whose slave is closed
        if (io_.out && fd == io_.out.get()) io_.out.reset();
        else if (io_.err && fd == io_.err.get()) io_.err.reset();
      }
      return;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    try {
      log_.write(stream, std::string_view(buf, n), now);
    } catch (const std::exception&) {
      // A full disk loses log lines, never the container.
    }
    broadcast(std::string_view(stream) == "stderr" ? 2 : 1, buf, n);
  }
}

void Supervisor::on_container_exit(int status) {
  const auto ran_for = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_at_);
  pid_ = -1;
  // Every process of the pid namespace is gone once its init is reaped, so the
  // streams are at their end: read what is left before recording the exit.
  if (io_.out) read_output(io_.out.get(), "stdout", true);
  if (io_.err) read_output(io_.err.get(), "stderr", true);
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  try {
    log_.flush(now);
  } catch (const std::exception&) {
  }
  io_ = ContainerIo{};
  stdin_buffer_.clear();
  if (health_run_) abandon_health_check("the container exited");
  health_.reset();
  kill_at_.reset();
  state_.exit_code = base::exit_code_of(status);
  state_.oom_killed = cgroup_ && cgroup_->oom_killed();
  state_.finished = now_rfc3339();
  state_.pid = 0;
  // Before any waiter is answered: a `stack stop` records its "stop" after this "die".
  if (state_.oom_killed) event("oom");
  event("die", {{"exitCode", std::to_string(state_.exit_code)}});
  ExitFacts facts{state_.exit_code, state_.stop_requested, state_.restart_count, ran_for};
  const bool restart = should_restart(policy_, facts);
  // An auto-removed container's cgroup goes after the exit code is sent (finish()):
  // nobody reads its state, and `run --rm` need not wait for the kernel.
  if (restart || !config_.auto_remove) remove_cgroup();
  if (restart) {
    end_attach_sessions(state_.exit_code);  // as docker: an attached client sees this run end
    state_.status = Status::Restarting;
    restart_at_ = Clock::now() + backoff_.next(ran_for);
    save();
    return;
  }
  finish();
}

// The container exited for good: record it, clean up, answer everyone, end.
void Supervisor::finish() {
  restart_at_.reset();
  state_.status = Status::Exited;
  state_.pid = 0;
  // The final state is on disk before the socket goes: a client that finds no socket
  // (or one closed unanswered) reads the state instead, and must see the exit code,
  // not the "running" of a moment before (`up` took a dependency's exit 3 for 0).
  if (!config_.auto_remove) save();
  ::unlink(layout_.shim_socket(opt_.id).c_str());
  listen_fd_.reset();
  std::string trash;
  if (config_.auto_remove) {  // nobody will read the final state: the records go
    std::error_code ignored;
    const std::string name_link = layout_.name_path(config_.name);
    if (std::filesystem::read_symlink(name_link, ignored).string() == opt_.id) ::unlink(name_link.c_str());
    std::filesystem::remove_all(layout_.container_run_dir(opt_.id), ignored);
    // Renamed out of sight at once (listings skip dot entries), deleted after the
    // answer: unlinking a container's files costs milliseconds on virtual disks, and
    // `run --rm` should not wait for that.
    trash = layout_.containers_dir() + "/." + opt_.id + ".removing";
    if (::rename(bundle_.c_str(), trash.c_str()) < 0) trash = bundle_;
    event("destroy");
  }
  answer_waiters(state_.exit_code);
  end_attach_sessions(state_.exit_code);
  if (!trash.empty()) {
    drain_clients(std::chrono::milliseconds(1000));
    remove_cgroup();
    std::error_code ignored;
    std::filesystem::remove_all(trash, ignored);
  }
  done_ = true;
}

void Supervisor::remove_cgroup() {
  try {
    if (cgroup_) cgroup_->remove();
  } catch (const std::exception& e) {
    state_.error = e.what();
  }
  cgroup_.reset();
}

void Supervisor::send_signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

void Supervisor::on_deadlines(Clock::time_point now) {
  if (trim_at_ && now >= *trim_at_) {
    trim_at_.reset();
    release_startup_memory();
  }
  if (kill_at_ && now >= *kill_at_) {
    kill_at_.reset();
    event("kill", {{"signal", std::to_string(SIGKILL)}});  // the stop's grace period is over
    send_signal(SIGKILL);
  }
  if (restart_at_ && now >= *restart_at_) {
    restart_at_.reset();
    try {
      state_.restart_count++;
      launch();
    } catch (const std::exception& e) {
      state_.error = e.what();
      state_.exit_code = 127;
      finish();
      return;
    }
  }
  if (health_run_ && now >= health_run_->deadline) abandon_health_check("timeout");
  else if (!health_run_ && health_ && state_.status == Status::Running && now >= health_->next_check())
    start_health_check(now);
}

int run_supervisor(const ShimOptions& options) {
  // Held until the shim ends, taken before the records are read (shim_lock.hpp).
  const Layout layout(options.roots);
  const ShimLockOrRunning got = hold_shim_lock(layout, options.id, [&] {
    try {
      const ContainerState st = load_state(layout.container_dir(options.id));
      return st.status == Status::Running ? st.pid : 0;
    } catch (const Error&) {
      return 0;  // being written: the next poll reads it
    }
  });
  if (got.running_pid > 0) {  // another shim started it: this start is done
    if (options.sync_fd >= 0) {
      const std::string line = "running " + std::to_string(got.running_pid) + "\n";
      ssize_t unused = ::write(options.sync_fd, line.data(), line.size());
      (void)unused;
    }
    return 0;
  }
  if (!got.lock) throw Error("container " + options.id + " was removed before it started");
  Supervisor supervisor(options);
  return supervisor.run();
}

}  // namespace stack::engine::shim
