// define_container: a CreateRequest checked and translated into the runtime spec and the
// container config, with Docker's defaults. Resources, mounts and devices are in
// container_create_resources.cpp and container_create_mounts.cpp.
#include "engine/container_create.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fmt/format.h>

#include "base/files.hpp"
#include "engine/container_create_parts.hpp"
#include "engine/init_layer.hpp"
#include "engine/layout.hpp"
#include "engine/runtime/capabilities.hpp"
#include "engine/shim/restart_policy.hpp"

namespace stack::engine {
namespace create_detail {

Error flag_error(std::string_view flag, std::string_view value, std::string_view reason) {
  return Error(fmt::format("invalid {} \"{}\": {}", flag, value, reason));
}

}  // namespace create_detail

namespace {

using create_detail::flag_error;

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// "KEY=value" entries, a later one replacing an earlier one in its first place. A bare
// "KEY" means a variable the caller found unset (the CLI resolves `-e KEY`): left out.
std::vector<std::string> merge_env(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  for (const auto& entry : env) {
    const size_t eq = entry.find('=');
    if (eq == 0) throw flag_error("--env", entry, "the variable name is empty");
    if (eq == std::string::npos) continue;
    const std::string_view key(entry.data(), eq + 1);  // "KEY=" matches only that key
    auto same = std::find_if(out.begin(), out.end(), [&](const std::string& e) { return e.starts_with(key); });
    if (same != out.end()) *same = entry;
    else out.push_back(entry);
  }
  return out;
}

runtime::Process make_process(const CreateRequest& r) {
  runtime::Process p;
  p.args = r.entrypoint;
  p.args.insert(p.args.end(), r.command.begin(), r.command.end());
  if (p.args.empty()) throw Error("no command specified", "give a command after the image or root filesystem");
  if (r.init) p.args.insert(p.args.begin(), {create_detail::kInitPath, "--"});  // tini, as docker --init
  p.env = merge_env(r.env);
  if (!r.workdir.empty()) {
    if (r.workdir[0] != '/') throw flag_error("--workdir", r.workdir, "must be an absolute path");
    p.cwd = std::filesystem::path(r.workdir).lexically_normal().string();
    if (p.cwd.size() > 1 && p.cwd.back() == '/') p.cwd.pop_back();
  }
  p.user = r.user;
  p.group_add = r.group_add;
  p.terminal = r.tty;
  p.capabilities = runtime::resolve_capabilities(r.cap_add, r.cap_drop, r.privileged);
  if (r.oom_score_adj && (*r.oom_score_adj < -1000 || *r.oom_score_adj > 1000))
    throw flag_error("--oom-score-adj", std::to_string(*r.oom_score_adj), "must be between -1000 and 1000");
  p.oom_score_adj = r.oom_score_adj;
  p.rlimits = create_detail::parse_ulimits(r.ulimits);
  return p;
}

// "no-new-privileges[:true|false]" and "seccomp=unconfined|PATH" ('=' or the old ':').
void apply_security_opts(const std::vector<std::string>& opts, runtime::Spec& spec) {
  for (const auto& opt : opts) {
    size_t sep = opt.find('=');
    if (sep == std::string::npos) sep = opt.find(':');
    const std::string key = opt.substr(0, sep);
    const std::string value = sep == std::string::npos ? "" : opt.substr(sep + 1);
    if (key == "no-new-privileges") {
      if (sep != std::string::npos && value != "true" && value != "false")
        throw flag_error("--security-opt", opt, "no-new-privileges takes true or false");
      spec.process.no_new_privileges = sep == std::string::npos || value == "true";
    } else if (key == "seccomp" && !value.empty()) {
      if (value == "unconfined") {
        spec.seccomp_profile = value;
        continue;
      }
      // The shim reads the profile later, from another working directory.
      const std::string path = base::absolute_from(std::filesystem::current_path(), value).string();
      if (::access(path.c_str(), R_OK) != 0)
        throw flag_error("--security-opt", opt, fmt::format("seccomp profile {}: {}", path, std::strerror(errno)));
      spec.seccomp_profile = path;
    } else {
      throw flag_error("--security-opt", opt, "unknown security option");
    }
  }
}

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// Namespaces: all new, but the network one, which is the host's, a path to join, or new
// with only loopback. Docker's default hostname: the id's first 12 digits (the host's own
// name with the host's network).
void apply_namespaces(const CreateRequest& r, const std::string& id, runtime::Spec& spec) {
  for (const char* type : {"mount", "uts", "ipc", "pid", "cgroup"}) spec.namespaces.push_back({type, ""});
  const bool host_network = r.network == "host";
  if (r.network == "none") {
    spec.namespaces.push_back({"network", ""});
  } else if (!r.network.empty() && r.network[0] == '/') {
    spec.namespaces.push_back({"network", r.network});
  } else if (!host_network) {
    throw flag_error("--network", r.network, "use none, host, or the path of a network namespace");
  }
  spec.hostname = !r.hostname.empty() ? r.hostname : host_network ? host_name() : id.substr(0, 12);
  spec.domainname = r.domainname;
  if (spec.hostname.size() > HOST_NAME_MAX) throw flag_error("--hostname", spec.hostname, "longer than 64 characters");
  if (spec.domainname.size() > HOST_NAME_MAX)
    throw flag_error("--domainname", spec.domainname, "longer than 64 characters");
  create_detail::check_sysctls(r.sysctls, !host_network);
  spec.sysctl = r.sysctls;
}

runtime::Root make_root(const CreateRequest& r, const Layout& layout, const std::string& id) {
  runtime::Root root;
  if (!r.rootfs.empty() && !r.image.empty()) throw Error("give either an image or a root filesystem, not both");
  if (!r.rootfs.empty()) {
    const std::string dir = base::absolute_from(std::filesystem::current_path(), r.rootfs).string();
    if (!is_directory(dir)) throw Error("root filesystem " + dir + ": not a directory");
    root.lower_dirs = {dir};
  } else if (!r.image.empty()) {
    if (r.lower_dirs.empty()) throw Error("image " + r.image + ": no layers to run from");
    root.lower_dirs = r.lower_dirs;
  } else {
    throw Error("no image or root filesystem given");
  }
  root.lower_dirs.insert(root.lower_dirs.begin(), ensure_init_layer(layout));
  root.upper_dir = layout.upper_dir(id);
  root.work_dir = layout.work_dir(id);
  root.read_only = r.read_only;
  return root;
}

ContainerConfig make_config(const CreateRequest& r, const runtime::Root& root, const std::string& id) {
  ContainerConfig c;
  c.id = id;
  c.name = r.name;
  c.image = r.image;
  c.image_id = r.image_id;
  c.rootfs = r.rootfs.empty() ? "" : root.lower_dirs.back();  // under the init layer
  c.labels = r.labels;
  shim::parse_restart_policy(r.restart);  // throws "invalid restart policy ..."
  c.restart_policy = r.restart.empty() ? "no" : r.restart;
  if (r.auto_remove && c.restart_policy != "no")
    throw Error("conflicting options: --restart " + r.restart + " and --rm", "a container removed when it exits cannot be restarted");
  c.healthcheck = r.healthcheck;
  c.log = create_detail::parse_log_opts(r.log_opts);
  if (!r.stop_signal.empty()) {
    try {
      c.stop_signal = signal_name(parse_signal(r.stop_signal));
    } catch (const Error&) {
      throw flag_error("--stop-signal", r.stop_signal, "unknown signal");
    }
  }
  if (r.stop_timeout && *r.stop_timeout < 0)
    throw flag_error("--stop-timeout", std::to_string(*r.stop_timeout), "must be 0 or more seconds");
  c.stop_timeout = r.stop_timeout.value_or(10);
  c.init = r.init;
  c.tty = r.tty;
  c.stdin_open = r.stdin_open;
  c.auto_remove = r.auto_remove;
  c.volumes = r.named_volumes;
  return c;
}

}  // namespace

ContainerDefinition define_container(const CreateRequest& request, const Layout& layout, const std::string& id) {
  ContainerDefinition d;
  runtime::Spec& spec = d.spec;
  spec.root = make_root(request, layout, id);
  spec.process = make_process(request);
  apply_security_opts(request.security_opt, spec);
  apply_namespaces(request, id, spec);
  spec.mounts = create_detail::parse_mounts(request);
  spec.devices = create_detail::parse_devices(request.devices);
  spec.resources = create_detail::parse_resources(request);
  spec.shm_size = create_detail::parse_shm_size(request.shm_size);
  if (!request.cgroup_parent.empty()) spec.cgroup_parent = request.cgroup_parent;
  spec.privileged = request.privileged;
  d.config = make_config(request, spec.root, id);
  return d;
}

}  // namespace stack::engine
