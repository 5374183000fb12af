// Containers as `stack container ...` (and later the orchestrator) use them: made from a
// CreateRequest, started through a stack-shim, stopped, removed, listed and found by
// name or id prefix. There is no daemon: every call reads the records on disk and asks
// the container's shim; when a shim is gone (killed), calls act on the container's
// processes and cgroup directly, so such a container is still reported and stoppable.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "engine/container_config.hpp"
#include "engine/container_create.hpp"
#include "engine/container_state.hpp"
#include "engine/layout.hpp"
#include "engine/runtime/spec.hpp"

namespace stack::engine {

struct ExecOptions {
  std::vector<std::string> args;
  std::vector<std::string> env;  // "KEY=value", added to (and overriding) the container's
  std::string user;              // "" -> the container's user
  std::string workdir;           // "" -> the container's working directory
  bool interactive = false;      // the caller's stdin goes to the command
  bool tty = false;              // a new terminal, the caller's in raw mode
  bool detach = false;           // start it and return at once
  bool privileged = false;       // every capability the host has, as `docker exec --privileged`
};

// A create that failed (bad request, name taken, records not written): nothing was made.
class CreateError : public Error {
 public:
  using Error::Error;
};

struct ContainerView {
  ContainerConfig config;
  ContainerState state;    // as observed: a dead shim's container is exited unless its init still runs
  bool shim_alive = false;
};

class Containers {
 public:
  explicit Containers(Layout layout) : layout_(std::move(layout)) {}

  const Layout& layout() const { return layout_; }

  // Writes the container's records (status "created"); returns its id. A name in use
  // is an error naming the container that has it; no name -> a generated one.
  std::string create(const CreateRequest& request);
  // Takes `name` for the container `id` to be, before anything of it exists (its network,
  // its /etc files): a `stack` killed midway then leaves a name pointing at what it made,
  // which the next command finds and clears. create() with that id and name keeps it.
  void reserve(const std::string& name, const std::string& id);
  // Frees the name if `id` holds it (a create that failed before its records).
  void unreserve(const std::string& name, const std::string& id);
  // Starts a created or exited container; a running one is left alone. Returns the pid.
  pid_t start(const std::string& id);
  // `start -a`: starts it attached; returns its exit code.
  int start_attached(const std::string& id, int in_fd, bool tty);
  // `run` without -d: creates the container and runs it attached (the shim is started
  // while the records are written); returns its exit code. CreateError when nothing was
  // made; a failed start of an auto-remove container removes it. `recorded` runs once the
  // records are written (the caller may then let go of the image it runs from). The
  // container's output goes to out_fd and err_fd.
  int run_attached(const CreateRequest& request, int in_fd, bool tty, const std::function<void()>& recorded = {},
                   int out_fd = 1, int err_fd = 2);

  // The stop signal, then SIGKILL after `timeout_s` (default: the container's
  // stop_timeout); returns once it exited. Not running: nothing to do.
  void stop(const std::string& id, std::optional<int> timeout_s = std::nullopt, const std::string& signal = "");
  // stop, then start, then a "restart" event as docker records one.
  void restart(const std::string& id, std::optional<int> timeout_s = std::nullopt, const std::string& signal = "");
  void kill(const std::string& id, const std::string& signal);
  void pause(const std::string& id);
  void unpause(const std::string& id);
  // Exit code once the container is not running (at once when it is not).
  int wait(const std::string& id);
  // Runs a command in the running container (DESIGN: a single-threaded helper that
  // setns()es in, not through the shim). Returns its exit code (0 when detached).
  int exec(const std::string& id, const ExecOptions& options);
  // Removes the records; a running container is an error unless `force` (then killed).
  void remove(const std::string& id, bool force);

  // Finds a container by full id, name, or unique id prefix; throws "No such container: x".
  std::string resolve(const std::string& ref) const;
  ContainerView view(const std::string& id) const;
  std::vector<ContainerView> list() const;
  runtime::Spec spec(const std::string& id) const;
  // The pids in the container's cgroup (its processes, from the host's view).
  std::vector<pid_t> processes(const std::string& id) const;

 private:
  struct Pending {
    std::string id;
    ContainerDefinition def;
  };
  Pending plan_create(const CreateRequest& request);
  void write_records(const Pending& pending);
  void abandon(const Pending& pending);
  void stop_without_shim(const ContainerView& v, int signal, int timeout_s);
  int exec_process(const ContainerView& v, const ExecOptions& options);
  void remove_files(const std::string& id);

  Layout layout_;
};

// Docker-style generated names: "<adjective>_<surname>".
std::string generate_container_name(unsigned seed);

}  // namespace stack::engine
