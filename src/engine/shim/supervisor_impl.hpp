// The supervisor's insides (supervisor.hpp), shared by its three source files:
// supervisor.cpp (the loop, starts and exits, restarts), supervisor_clients.cpp (the
// control socket) and supervisor_health.cpp (healthchecks). Internal to stack-shim.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <poll.h>

#include "base/unique_fd.hpp"
#include "engine/container_config.hpp"
#include "engine/container_state.hpp"
#include "engine/runtime/cgroup.hpp"
#include "engine/runtime/seccomp.hpp"
#include "engine/runtime/spec.hpp"
#include "engine/shim/container_io.hpp"
#include "engine/shim/health_monitor.hpp"
#include "engine/shim/json_log_writer.hpp"
#include "engine/shim/restart_policy.hpp"
#include "engine/shim/supervisor.hpp"

namespace stack::engine::shim {

struct Client {
  enum class Kind { Request, Attach, Waiter };
  UniqueFd fd;
  Kind kind = Kind::Request;
  std::string in;   // request bytes until the first newline
  std::string out;  // queued bytes to send
  bool input_closed = false;
  bool close_when_flushed = false;
};

struct HealthRun {
  pid_t helper = -1;
  UniqueFd output;
  std::string text;
  std::string start;
  Clock::time_point deadline;
};

class Supervisor {
 public:
  explicit Supervisor(const ShimOptions& options);
  int run();

 private:
  // supervisor.cpp
  void launch();
  void report_sync(const std::string& line);
  void loop();
  void on_signals();
  void on_container_exit(int status);
  void finish();
  void on_deadlines(Clock::time_point now);
  void read_output(int fd, const char* stream, bool until_eof);
  void save();
  void send_signal(int signal);
  void remove_cgroup();
  std::optional<Clock::time_point> next_deadline() const;
  void event(const std::string& action, const std::map<std::string, std::string>& extra = {}) const;

  // supervisor_clients.cpp
  void listen();
  void accept_clients();
  void on_client(Client& c, short revents);
  void handle_request(Client& c, const std::string& line);
  void request_stop(Client& c, int signal, int timeout_s);
  void broadcast(uint8_t stream, const char* data, size_t size);
  void end_attach_sessions(int exit_code);
  void answer_waiters(int exit_code);
  void flush_stdin();
  void add_poll_fds(std::vector<pollfd>& fds) const;
  void drain_clients(std::chrono::milliseconds budget);

  // supervisor_health.cpp
  void start_health_check(Clock::time_point now);
  void on_health_exit(int status);
  void on_health_output();
  void abandon_health_check(const std::string& why);
  void record_health(HealthResult result);

  ShimOptions opt_;
  Layout layout_;
  std::string bundle_;  // layout_.container_dir(id)
  runtime::Spec spec_;
  ContainerConfig config_;
  ContainerState state_;
  RestartPolicy policy_;
  RestartBackoff backoff_;
  JsonLogWriter log_;
  ContainerIo io_;
  std::string stdin_buffer_;
  std::optional<runtime::Cgroup> cgroup_;
  pid_t pid_ = -1;
  Clock::time_point started_at_;

  UniqueFd signal_fd_;
  UniqueFd listen_fd_;
  std::list<Client> clients_;

  std::optional<Clock::time_point> restart_at_;
  std::optional<Clock::time_point> kill_at_;
  std::optional<Clock::time_point> trim_at_;  // release_startup_memory, once the start burst is over
  std::optional<HealthMonitor> health_;
  std::optional<HealthRun> health_run_;
  std::vector<pid_t> abandoned_helpers_;
  std::optional<runtime::SeccompProgram> exec_seccomp_;
  bool done_ = false;
};


}  // namespace stack::engine::shim
