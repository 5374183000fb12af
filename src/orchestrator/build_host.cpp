#include "orchestrator/build_host.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "base/random_id.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/transfer.hpp"

namespace stack::orchestrator {
namespace {

// Pull progress as single lines: the builder's output is line by line anyway.
class LineObserver : public engine::image::TransferObserver {
 public:
  explicit LineObserver(engine::build::BuildHost& host) : host_(host) {}
  void layer(const std::string&, const std::string&, uint64_t, uint64_t) override {}
  void message(const std::string& text) override { host_.say(text); }

 private:
  engine::build::BuildHost& host_;
};

// Removes the step's container and its network whatever happens.
struct StepContainer {
  Context& ctx;
  std::string id;
  bool made = false;
  ~StepContainer() {
    try {
      if (made) ctx.containers.remove(id, true);
    } catch (const Error&) {
    }
    ctx.network.release(id);
  }
};

// One line at a time on the shared stream, whichever build it comes from.
std::mutex g_output;

void write_line(std::FILE* out, const std::string& prefix, std::string_view line) {
  const std::lock_guard lock(g_output);
  std::fprintf(out, "%s%.*s\n", prefix.c_str(), static_cast<int>(line.size()), line.data());
  std::fflush(out);
}

// A RUN's output through a pipe, each line prefixed (for parallel builds).
class PrefixedOutput {
 public:
  PrefixedOutput(std::FILE* out, const std::string& prefix) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw syscall_error("pipe");
    read_ = UniqueFd(fds[0]);
    write_ = UniqueFd(fds[1]);
    reader_ = std::thread([this, out, prefix] { pump(out, prefix); });
  }
  ~PrefixedOutput() {
    write_.reset();
    reader_.join();
  }
  int fd() const { return write_.get(); }

 private:
  void pump(std::FILE* out, const std::string& prefix) {
    std::string pending;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(read_.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      pending.append(buf, static_cast<size_t>(n));
      for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1))
        write_line(out, prefix, std::string_view(pending).substr(0, nl));
    }
    if (!pending.empty()) write_line(out, prefix, pending);
  }

  UniqueFd read_, write_;
  std::thread reader_;
};

}  // namespace

EngineBuildHost::EngineBuildHost(Context& ctx, std::FILE* out, std::string prefix)
    : ctx_(ctx), out_(out), prefix_(std::move(prefix)) {}

void EngineBuildHost::say(const std::string& line) { write_line(out_, prefix_, line); }

engine::image::ImageEntry EngineBuildHost::base_image(const std::string& reference, bool pull) {
  if (!pull) {
    if (auto found = ctx_.images.find(reference)) return *found;
  }
  LineObserver observer(*this);
  try {
    return engine::image::pull_image(ctx_.images, engine::image::parse_reference(reference), ctx_.registry, observer).image;
  } catch (const Error& e) {
    throw Error("FROM " + reference + ": the image is not in the store and could not be pulled: " + e.what(), e.hint());
  }
}

engine::CreateRequest EngineBuildHost::container_for(const engine::build::RunStep& step) {
  engine::CreateRequest r;
  r.id = base::random_hex_id();
  r.name = "stack-build-" + r.id.substr(0, 12);
  r.image = "stack-build";
  r.lower_dirs = step.lower_dirs;
  r.command = step.args;
  r.env = step.env;
  r.user = step.user;
  r.workdir = step.workdir;
  r.labels = {{"stack.build.step", step.description}};
  return r;
}

int EngineBuildHost::run(const engine::build::RunStep& step,
                         const std::function<void(const std::string& upper_dir)>& capture) {
  engine::CreateRequest r = container_for(step);
  StepContainer cleanup{ctx_, r.id};
  net::SandboxRequest sandbox;
  sandbox.container_id = r.id;
  sandbox.container_name = r.name;
  sandbox.state_file = ctx_.containers.layout().container_dir(r.id) + "/state.json";
  if (step.network == "default") sandbox.networks = {{.network = net::kDefaultNetwork}};  // made on demand
  const std::string mode = step.network == "default" ? "bridge" : step.network;
  const net::ContainerNetwork n = ctx_.network.prepare(mode, sandbox, {}, ctx_.containers.layout().container_dir(r.id));
  r.network = n.network;
  r.volumes = n.binds;
  std::fflush(out_);
  int status = 0;
  if (prefix_.empty()) {
    status = ctx_.containers.run_attached(r, -1, false, [&] { cleanup.made = true; }, ::fileno(out_), 2);
  } else {
    PrefixedOutput output(out_, prefix_);
    status = ctx_.containers.run_attached(r, -1, false, [&] { cleanup.made = true; }, output.fd(), output.fd());
  }
  if (status == 0) capture(ctx_.containers.layout().upper_dir(r.id));
  return status;
}

}  // namespace stack::orchestrator
