#include "support/shim_container.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "base/files.hpp"
#include "engine/runtime/cgroup.hpp"
#include "engine/runtime/spec_json.hpp"
#include "engine/shim_client.hpp"
#include "support/container_run.hpp"

namespace stack::testing {
namespace {

std::string new_id() {
  static std::atomic<int> counter{0};
  char buf[65];
  snprintf(buf, sizeof buf, "%08x%08x%048x", static_cast<unsigned>(getpid()), static_cast<unsigned>(++counter), 0);
  return buf;
}

}  // namespace

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

bool process_alive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  // A zombie is not alive: its parent (the shim) has not reaped it yet.
  auto stat = base::read_file_if_exists("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  const size_t close = stat->rfind(')');
  return close != std::string::npos && stat->size() > close + 2 && (*stat)[close + 2] != 'Z';
}

ShimContainer::ShimContainer(const BusyboxRootfs& fs, std::vector<std::string> args)
    : spec(busybox_spec(fs, std::move(args))),
      fs_(fs),
      layout_(engine::Roots{fs.scratch("root"), fs.scratch("run")}),
      id_(new_id()) {
  spec.root.upper_dir = layout_.upper_dir(id_);
  spec.root.work_dir = layout_.work_dir(id_);
  config.id = id_;
  config.name = "shim-test-" + id_.substr(0, 16);
  setenv("STACK_SHIM", STACK_SHIM_BINARY, 1);
}

ShimContainer::~ShimContainer() {
  try {
    engine::shim_request(layout_, id_, "kill SIGKILL");
    engine::shim_request(layout_, id_, "wait");
  } catch (const std::exception&) {
  }
  try {
    const auto s = state();
    if (s.pid > 0) {
      ::kill(s.pid, SIGKILL);
      eventually([&] { return !process_alive(s.pid); });
    }
  } catch (const std::exception&) {
  }
  // A container whose shim was killed keeps its cgroup: nobody else removes it.
  try {
    engine::runtime::container_cgroup(spec.cgroup_parent, id_).remove();
  } catch (const std::exception&) {
  }
  std::error_code ec;
  std::filesystem::remove_all(layout_.container_dir(id_), ec);
  std::filesystem::remove_all(layout_.container_run_dir(id_), ec);
}

pid_t ShimContainer::start() {
  std::filesystem::create_directories(dir());
  std::filesystem::create_directories(spec.root.upper_dir);
  std::filesystem::create_directories(spec.root.work_dir);
  base::write_file_atomic(layout_.spec_path(id_), engine::runtime::spec_to_json(spec));
  engine::save_config(dir(), config);
  engine::ContainerState s;
  s.id = id_;
  s.name = config.name;
  engine::save_state(dir(), s);
  return engine::start_shim(layout_, id_);
}

engine::ContainerState ShimContainer::state() const { return engine::load_state(dir()); }

std::string ShimContainer::log_text() const {
  std::string out;
  const std::string log = layout_.log_path(id_);
  for (int i = 9; i >= 1; --i)
    if (auto t = base::read_file_if_exists(log + "." + std::to_string(i))) out += *t;
  if (auto t = base::read_file_if_exists(log)) out += *t;
  return out;
}

}  // namespace stack::testing
