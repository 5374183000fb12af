// Healthchecks: the check runs inside the container through the runtime's exec (same
// namespaces, cgroup, user, capabilities and seccomp as the container's process), its
// output collected from a pipe; the rules are HealthMonitor's.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "base/syscall_error.hpp"
#include "base/wait_status.hpp"
#include "engine/runtime/exec.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/shim/supervisor_impl.hpp"

namespace stack::engine::shim {

void Supervisor::start_health_check(Clock::time_point now) {
  HealthRun run;
  run.start = now_rfc3339();
  run.deadline = now + health_->timeout();
  try {
    if (!exec_seccomp_) exec_seccomp_ = runtime::seccomp_program_for(spec_, layout_.seccomp_cache_dir());
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) throw syscall_error("create the healthcheck pipe");
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    fcntl(read_end.get(), F_SETFL, O_NONBLOCK);
    runtime::ExecRequest r;
    r.container_pid = pid_;
    r.cgroup = &*cgroup_;
    r.spec = spec_;
    r.spec.process.args = health_->command();
    r.spec.process.terminal = false;
    r.seccomp = *exec_seccomp_;
    r.stdout_fd = write_end.get();
    r.stderr_fd = write_end.get();
    r.kill_on_sigterm = true;
    run.helper = runtime::start_exec(r);
    run.output = std::move(read_end);
  } catch (const std::exception& e) {
    // Docker records a check that could not even start as a failure with the reason.
    record_health(HealthResult{run.start, now_rfc3339(), -1, e.what()});
    return;
  }
  health_run_ = std::move(run);
}

void Supervisor::on_health_output() {
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(health_run_->output.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) health_run_->output.reset();
    if (n <= 0) return;
    if (health_run_->text.size() < 4096) health_run_->text.append(buf, n);
  }
}

void Supervisor::on_health_exit(int status) {
  if (health_run_->output) on_health_output();
  const int code = base::exit_code_of(status);
  HealthResult result{health_run_->start, now_rfc3339(), code, std::move(health_run_->text)};
  health_run_.reset();
  if (!health_ || !state_.health) return;
  record_health(std::move(result));
}

// A check past its timeout fails; one whose container went away is just dropped.
// The helper is told to kill the check and reaped when it exits.
void Supervisor::abandon_health_check(const std::string& why) {
  ::kill(health_run_->helper, SIGTERM);
  abandoned_helpers_.push_back(health_run_->helper);
  const std::string start = health_run_->start;
  health_run_.reset();
  if (why != "timeout" || !health_ || !state_.health) return;
  record_health(health_->timed_out_result(start, now_rfc3339()));
}

// Records a check's result; a change of status is an event (Docker's "health_status: healthy").
void Supervisor::record_health(HealthResult result) {
  const std::string before = state_.health->status;
  health_->record(*state_.health, std::move(result), Clock::now());
  save();
  if (state_.health->status != before) event("health_status: " + state_.health->status);
}

}  // namespace stack::engine::shim
