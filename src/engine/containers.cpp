#include "engine/containers.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "base/files.hpp"
#include "base/random_id.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/container_events.hpp"
#include "engine/runtime/cgroup.hpp"
#include "engine/runtime/spec_json.hpp"
#include "engine/shim/json_log_writer.hpp"
#include "engine/shim_client.hpp"
#include "engine/shim_lock.hpp"

namespace stack::engine {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool valid_name(const std::string& name) {
  if (name.size() < 2 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

// The directories holding one tree per container, in both roots (base::make_spread_dir):
// made when a name is taken, before any of the container's own directories.
void spread_container_dirs(const Layout& layout) {
  base::make_spread_dir(layout.containers_dir());
  base::make_spread_dir(layout.containers_run_dir());
}

// Takes `name` for `id`: true when it was free. symlink(2) is atomic and fails when the
// name exists, so concurrent creates cannot both take it.
bool reserve_name(const Layout& layout, const std::string& name, const std::string& id) {
  spread_container_dirs(layout);
  if (::symlink(id.c_str(), layout.name_path(name).c_str()) == 0) return true;
  if (errno == EEXIST) {  // taken, unless by this id already (Containers::reserve)
    std::error_code ec;
    return fs::read_symlink(layout.name_path(name), ec).string() == id;
  }
  if (errno == ENOENT) {
    fs::create_directories(layout.names_dir());
    return reserve_name(layout, name, id);
  }
  throw syscall_error("reserve the container name " + name);
}

bool is_live(Status s) { return s == Status::Running || s == Status::Paused || s == Status::Restarting; }

std::string proc_text(pid_t pid, const char* file) {
  return base::read_file_if_exists("/proc/" + std::to_string(pid) + "/" + file).value_or("");
}

bool not_zombie(pid_t pid) {
  const std::string stat = proc_text(pid, "stat");
  const size_t close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] != 'Z';
}

bool is_shim(pid_t pid) { return pid > 0 && proc_text(pid, "comm") == "stack-shim\n" && not_zombie(pid); }

// The container's init is still that process when it sits in the container's cgroup
// (a pid alone could have been reused).
bool is_container_init(pid_t pid, const std::string& cgroup_relative) {
  if (pid <= 0 || !not_zombie(pid)) return false;
  return proc_text(pid, "cgroup").find("/" + cgroup_relative + "\n") != std::string::npos;
}

bool wait_gone(pid_t pid, const std::string& cgroup_relative, std::chrono::milliseconds budget) {
  const auto until = Clock::now() + budget;
  while (is_container_init(pid, cgroup_relative)) {
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Frees the name that points at the container: the one its config names, or, when its
// records were lost, whichever links to its id.
void release_name(const Layout& layout, const std::string& id) {
  std::error_code ec;
  try {
    const std::string name = load_config(layout.container_dir(id)).name;
    if (!name.empty() && fs::read_symlink(layout.name_path(name), ec).string() == id)
      ::unlink(layout.name_path(name).c_str());
    return;
  } catch (const Error&) {
  }
  for (const auto& entry : fs::directory_iterator(layout.names_dir(), ec)) {
    std::error_code link_ec;
    if (fs::read_symlink(entry.path(), link_ec).string() == id) ::unlink(entry.path().c_str());
  }
}

// A ".<id>.removing" directory is an auto-removed container its shim is deleting; one
// older than a minute lost its shim midway and is finished here.
void sweep_leftover(const fs::path& path) {
  std::error_code ec;
  const auto age = fs::file_time_type::clock::now() - fs::last_write_time(path, ec);
  if (!ec && age > std::chrono::minutes(1) && path.filename().string().ends_with(".removing")) fs::remove_all(path, ec);
}

}  // namespace

// Checks the request and takes the name; nothing is written yet.
Containers::Pending Containers::plan_create(const CreateRequest& request) {
  Pending p;
  p.id = request.id.empty() ? base::random_hex_id() : request.id;
  try {
    p.def = define_container(request, layout_, p.id);
  } catch (const Error& e) {
    throw CreateError(e.what(), e.hint());
  }
  std::string name = request.name;
  if (!name.empty() && !valid_name(name))
    throw CreateError("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  if (name.empty()) {
    unsigned seed = static_cast<unsigned char>(p.id[0]) * 977u + static_cast<unsigned char>(p.id[1]);
    do name = generate_container_name(seed++);
    while (!reserve_name(layout_, name, p.id));
  } else {
    reserve(name, p.id);
  }
  p.def.config.name = name;
  p.def.config.created = shim::now_rfc3339();
  return p;
}

// Writes the records of a planned container; on failure nothing of it is left.
void Containers::write_records(const Pending& p) {
  const std::string& id = p.id;
  const std::string dir = layout_.container_dir(id);
  try {
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all);
    fs::create_directories(layout_.upper_dir(id));
    fs::create_directories(layout_.work_dir(id));
    fs::create_directories(layout_.rootfs_dir(id));
    // Renamed into place but not fsynced (Durability::Replace): a container created just
    // before a power cut may come back dead (its records unreadable), never half-made
    // for a reader, and it can still be listed and removed by id. Two fsyncs here would
    // cost more than the whole start of a container.
    base::write_file_atomic(layout_.spec_path(id), runtime::spec_to_json(p.def.spec), 0600, base::Durability::Replace);
    save_config(dir, p.def.config);
    ContainerState state;
    state.id = id;
    state.name = p.def.config.name;
    state.created = p.def.config.created;
    save_state(dir, state);
  } catch (const std::exception& e) {
    abandon(p);
    if (auto* fe = dynamic_cast<const fs::filesystem_error*>(&e))
      throw CreateError("create container " + p.def.config.name + ": " + fe->code().message() + " (" + fe->path1().string() + ")");
    throw CreateError("create container " + p.def.config.name + ": " + e.what());
  }
}

void Containers::abandon(const Pending& p) {
  std::error_code ignored;
  fs::remove_all(layout_.container_dir(p.id), ignored);
  ::unlink(layout_.name_path(p.def.config.name).c_str());
}

void Containers::reserve(const std::string& name, const std::string& id) {
  if (!reserve_name(layout_, name, id)) {
    std::error_code ec;
    throw CreateError("Conflict. The container name \"/" + name + "\" is already in use by container \"" +
                          fs::read_symlink(layout_.name_path(name), ec).string() + "\"",
                      "You have to remove (or rename) that container to be able to reuse that name.");
  }
}

void Containers::unreserve(const std::string& name, const std::string& id) {
  std::error_code ec;
  if (fs::read_symlink(layout_.name_path(name), ec).string() == id) ::unlink(layout_.name_path(name).c_str());
}

std::string Containers::create(const CreateRequest& request) {
  const Pending p = plan_create(request);
  write_records(p);
  record_container_event(layout_, p.def.config, "create");
  return p.id;
}

int Containers::run_attached(const CreateRequest& request, int in_fd, bool tty, const std::function<void()>& recorded,
                             int out_fd, int err_fd) {
  const Pending p = plan_create(request);
  AttachStreams streams;
  streams.in_fd = in_fd;
  streams.out_fd = out_fd;
  streams.err_fd = err_fd;
  streams.tty = tty;
  try {
    // The shim starts while the records are written: its exec overlaps our writes.
    return engine::start_attached(layout_, p.id, streams, [&] {
      write_records(p);
      record_container_event(layout_, p.def.config, "create");
      if (recorded) recorded();
    });
  } catch (const CreateError&) {
    throw;
  } catch (const Error&) {
    if (p.def.config.auto_remove) {  // docker's --rm removes a container that failed to start, too
      try {
        remove(p.id, true);
      } catch (const Error&) {
      }
    }
    throw;
  }
}

pid_t Containers::start(const std::string& id) {
  const ContainerView v = view(id);
  if (is_live(v.state.status)) return v.state.pid;
  return start_shim(layout_, id);
}

int Containers::start_attached(const std::string& id, int in_fd, bool tty) {
  AttachStreams streams;
  streams.in_fd = in_fd;
  streams.tty = tty;
  return engine::start_attached(layout_, id, streams);
}

void Containers::stop(const std::string& id, std::optional<int> timeout_s, const std::string& signal) {
  const ContainerView v = view(id);
  if (!is_live(v.state.status)) return;
  const int number = parse_signal(signal.empty() ? v.config.stop_signal : signal);
  const int timeout = timeout_s.value_or(v.config.stop_timeout);
  // Docker's sequence: kill (the stop signal), die (from the shim), stop once it ended.
  record_container_event(layout_, v.config, "kill", {{"signal", std::to_string(number)}});
  try {
    shim_request(layout_, id, "stop " + signal_name(number) + " " + std::to_string(timeout));
  } catch (const ShimGone&) {
    stop_without_shim(v, number, timeout);
  }
  record_container_event(layout_, v.config, "stop");
}

void Containers::restart(const std::string& id, std::optional<int> timeout_s, const std::string& signal) {
  stop(id, timeout_s, signal);
  start(id);
  record_container_event(layout_, view(id).config, "restart");
}

// The shim is gone: signal the init ourselves, wait, escalate, then record the end.
void Containers::stop_without_shim(const ContainerView& v, int signal, int timeout_s) {
  const runtime::Spec s = spec(v.config.id);
  runtime::Cgroup cgroup = runtime::container_cgroup(s.cgroup_parent, v.config.id);
  const pid_t pid = v.state.pid;
  int ended_by = signal;
  if (is_container_init(pid, cgroup.relative())) {
    if (cgroup.frozen()) cgroup.thaw();
    ::kill(pid, signal);
    const auto grace = timeout_s < 0 ? std::chrono::hours(24 * 365) : std::chrono::hours(0) + std::chrono::seconds(timeout_s);
    if (!wait_gone(pid, cgroup.relative(), std::chrono::duration_cast<std::chrono::milliseconds>(grace))) {
      ::kill(pid, SIGKILL);
      ended_by = SIGKILL;
      if (!wait_gone(pid, cgroup.relative(), std::chrono::seconds(10)))
        throw Error("container " + v.config.name + " (pid " + std::to_string(pid) + ") did not exit after SIGKILL");
    }
  }
  ContainerState state = v.state;
  state.status = Status::Exited;
  state.pid = 0;
  state.stop_requested = true;
  state.exit_code = 128 + ended_by;
  state.finished = shim::now_rfc3339();
  state.error = "its supervisor (stack-shim) had died; the exit code is the signal that stopped it";
  try {
    cgroup.remove();
  } catch (const std::exception& e) {
    state.error += "; " + std::string(e.what());
  }
  save_state(layout_.container_dir(v.config.id), state);
  record_container_event(layout_, v.config, "die", {{"exitCode", std::to_string(state.exit_code)}});
}

void Containers::kill(const std::string& id, const std::string& signal) {
  const ContainerView v = view(id);
  const int number = parse_signal(signal.empty() ? "SIGKILL" : signal);
  if (!is_live(v.state.status))
    throw Error("cannot kill container " + v.config.name + ": container " + id + " is not running");
  record_container_event(layout_, v.config, "kill", {{"signal", std::to_string(number)}});
  try {
    shim_request(layout_, id, "kill " + signal_name(number));
  } catch (const ShimGone&) {
    const bool ends = number == SIGKILL || number == SIGTERM || number == SIGINT || number == SIGQUIT;
    if (ends) stop_without_shim(v, number, 10);
    else ::kill(v.state.pid, number);
  }
}

void Containers::pause(const std::string& id) {
  const ContainerView v = view(id);
  if (v.state.status == Status::Paused) throw Error("container " + id + " is already paused");
  if (v.state.status != Status::Running) throw Error("container " + id + " is not running");
  shim_request(layout_, id, "pause");
  record_container_event(layout_, v.config, "pause");
}

void Containers::unpause(const std::string& id) {
  const ContainerView v = view(id);
  if (v.state.status != Status::Paused) throw Error("container " + id + " is not paused");
  shim_request(layout_, id, "unpause");
  record_container_event(layout_, v.config, "unpause");
}

int Containers::wait(const std::string& id) {
  ContainerView v = view(id);
  if (!is_live(v.state.status)) return v.state.exit_code;
  try {
    return std::stoi(shim_request(layout_, id, "wait"));
  } catch (const ShimGone&) {
    const runtime::Spec s = spec(id);
    wait_gone(v.state.pid, runtime::container_cgroup(s.cgroup_parent, id).relative(), std::chrono::hours(24 * 365));
    return view(id).state.exit_code;
  }
}

void Containers::remove(const std::string& id, bool force) {
  const ContainerView v = view(id);
  if (is_live(v.state.status)) {
    if (!force)
      throw Error("cannot remove container \"/" + v.config.name + "\": container is running",
                  "stop the container before removing or force remove");
    record_container_event(layout_, v.config, "kill", {{"signal", std::to_string(SIGKILL)}});
    try {
      shim_request(layout_, id, "kill SIGKILL");
      shim_request(layout_, id, "wait");
    } catch (const ShimGone&) {
      if (is_live(view(id).state.status)) stop_without_shim(v, SIGKILL, 0);
    }
  }
  remove_files(id);
  record_container_event(layout_, v.config, "destroy");
}

// Best effort and complete: every step is tried; the first failure is reported.
void Containers::remove_files(const std::string& id) {
  // No shim may start this container once its files go: one still launching it (its
  // `stack` was killed before the state said running) is made to end it first.
  const UniqueFd shim_lock = take_shim_lock(layout_, id, [&] {
    try {
      shim_request(layout_, id, "kill SIGKILL");
    } catch (const Error&) {
      // not listening yet, or already ending: the next nudge or its exit will do
    }
  }, std::chrono::seconds(10));
  std::string failure;
  std::optional<runtime::Spec> s;
  try {
    s = spec(id);
  } catch (const Error&) {
    // unreadable records: there is no cgroup to name, the files still go
  }
  try {
    if (s) {
      runtime::Cgroup cgroup = runtime::container_cgroup(s->cgroup_parent, id);
      // Not running by its records, yet processes here: a start interrupted by a killed
      // `stack` (its init began, its state was never written). They are the container's.
      try {
        for (pid_t pid : cgroup.pids()) ::kill(pid, SIGKILL);
      } catch (const Error&) {
        // no cgroup (any more): nothing runs there
      }
      cgroup.remove();
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  std::error_code ec;
  release_name(layout_, id);
  fs::remove_all(layout_.container_run_dir(id), ec);
  if (ec && failure.empty()) failure = "remove " + layout_.container_run_dir(id) + ": " + ec.message();
  fs::remove_all(layout_.container_dir(id), ec);
  if (ec) failure = "remove " + layout_.container_dir(id) + ": " + ec.message();
  if (!failure.empty()) throw Error("remove container " + id + ": " + failure);
}

std::string Containers::resolve(const std::string& ref) const {
  if (ref.empty()) throw Error("No such container: " + ref);
  std::error_code ec;
  if (ref.size() == 64 && fs::exists(layout_.container_dir(ref) + "/config.json", ec)) return ref;
  const std::string name = ref[0] == '/' ? ref.substr(1) : ref;
  if (valid_name(name)) {
    const auto target = fs::read_symlink(layout_.name_path(name), ec);
    if (!ec && fs::exists(layout_.container_dir(target.string()), ec)) return target.string();
  }
  std::vector<std::string> prefixed;
  for (const auto& entry : fs::directory_iterator(layout_.containers_dir(), ec)) {
    const std::string id = entry.path().filename().string();
    if (!id.starts_with(".") && id.rfind(ref, 0) == 0) prefixed.push_back(id);
  }
  if (prefixed.size() == 1) return prefixed[0];
  if (prefixed.size() > 1) throw Error("multiple containers match \"" + ref + "\": use more of the id");
  throw Error("No such container: " + ref);
}

ContainerView Containers::view(const std::string& id) const {
  const std::string dir = layout_.container_dir(id);
  ContainerView v;
  try {
    v.config = load_config(dir);
  } catch (const Error& e) {
    v.config.id = id;
    v.state.id = id;
    v.state.status = Status::Dead;
    v.state.error = std::string("its records are unreadable: ") + e.what();
    return v;
  }
  try {
    v.state = load_state(dir);
  } catch (const Error& e) {
    // Lost to a power cut (it is written without fsync) or damaged: the container is
    // dead, and can still be listed and removed.
    v.state = ContainerState{};
    v.state.id = id;
    v.state.name = v.config.name;
    v.state.status = Status::Dead;
    v.state.error = std::string("its state record is unreadable: ") + e.what();
    return v;
  }
  v.shim_alive = is_shim(v.state.shim_pid);
  if (is_live(v.state.status) && !v.shim_alive) {
    const std::string relative = runtime::container_cgroup(spec(id).cgroup_parent, id).relative();
    if (is_container_init(v.state.pid, relative)) {
      v.state.status = Status::Running;  // supervised no more, but running
    } else {
      v.state.status = Status::Exited;
      v.state.pid = 0;
      if (v.state.error.empty()) v.state.error = "its supervisor (stack-shim) died";
    }
  }
  return v;
}

std::vector<ContainerView> Containers::list() const {
  std::vector<ContainerView> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout_.containers_dir(), ec)) {
    const std::string id = entry.path().filename().string();
    if (id.starts_with(".")) {
      sweep_leftover(entry.path());
      continue;
    }
    try {
      out.push_back(view(id));
    } catch (const Error&) {
      // A container whose records are being written or removed right now.
    }
  }
  return out;
}

runtime::Spec Containers::spec(const std::string& id) const {
  const std::string path = layout_.spec_path(id);
  return runtime::spec_from_json(base::read_file(path), path);
}

std::vector<pid_t> Containers::processes(const std::string& id) const {
  const ContainerView v = view(id);
  if (!is_live(v.state.status)) throw Error("container " + id + " is not running");
  return runtime::container_cgroup(spec(id).cgroup_parent, id).pids();
}

}  // namespace stack::engine
