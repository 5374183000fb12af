// `stack container create|run`: docker run's flags (container_flags.hpp), then
//   [OPTIONS] IMAGE [COMMAND] [ARG...]      (images come with the image store)
//   [OPTIONS] --rootfs DIR COMMAND [ARG...]  (a root filesystem directory as the one layer)
// `run` starts the container attached (its output here, its exit code ours), or prints
// its id with -d. As docker, a failure of `run` itself exits 125, a command that cannot
// be run 126, one that does not exist 127.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include <fmt/core.h>

#include "base/file_lock.hpp"
#include "base/strings.hpp"
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/container_engine.hpp"
#include "cli/container_flags.hpp"
#include "cli/image_engine.hpp"
#include "cli/network_attach.hpp"
#include "cli/transfer_display.hpp"
#include "cli/volume_engine.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/transfer.hpp"
#include "engine/container_image.hpp"
#include "engine/copy_up.hpp"
#include "engine/volumes_from.hpp"
#include "vol/mount_flag.hpp"
#include "vol/volume_binds.hpp"

namespace stack::cli {
namespace {

struct RunCli {
  engine::CreateRequest request;
  bool detach = false;
  std::string pull = "missing";  // --pull: missing, always, never
  // Held from the image's lookup until the container's records name it, so a concurrent
  // `image rm` or `prune` (which takes the lock exclusively) cannot delete it in between.
  std::optional<base::FileLock> image_lock;
  // The same for the named volumes it mounts, against `volume rm` and `prune`.
  std::optional<base::FileLock> volume_lock;
  std::vector<std::string> image_volumes;     // the image's VOLUMEs (anonymous volumes)
  std::vector<std::string> new_anonymous;     // made for this container: gone if it is not made
  NetworkFlags network;
  void release_locks() {
    image_lock.reset();
    volume_lock.reset();
  }
};

// docker run's pull: its progress on stderr, so the container's output stays alone on stdout.
engine::image::ImageEntry pull_for_run(const GlobalOptions& g, const engine::image::ImageStore& store,
                                       const std::string& name) {
  const engine::image::Reference ref = engine::image::parse_reference(name);
  TransferDisplay display(stderr, ::isatty(2), false);
  const engine::image::PullResult r = engine::image::pull_image(store, ref, registry_options(g), display);
  if (r.downloaded) fmt::print(stderr, "Status: Downloaded newer image for {}\n", ref.familiar());
  return r.image;
}

// An image from the store (pulled first when missing, or always with --pull always): its
// layers and its config's defaults.
void take_image(const GlobalOptions& g, const CLI::App& cmd, const std::string& name, RunCli& o) {
  const std::string& pull = o.pull;
  engine::CreateRequest& r = o.request;
  if (pull != "missing" && pull != "always" && pull != "never") {
    throw Error("invalid pull option: '" + pull + "': must be one of \"always\", \"missing\" or \"never\"");
  }
  engine::image::ImageStore store = image_store_from(g);
  o.image_lock.emplace(store.lock_for_adding());
  std::optional<engine::image::ImageEntry> e = pull == "always" ? std::nullopt : store.find(name);
  if (!e && pull == "never") {
    throw Error("No such image: " + name, "pull it (stack image pull " + name +
                                              "), load or import it; to run a root filesystem directory use --rootfs DIR");
  }
  if (!e) {
    if (pull == "missing") fmt::print(stderr, "Unable to find image '{}' locally\n", engine::image::parse_reference(name).familiar());
    e = pull_for_run(g, store, name);
  }
  engine::ImageForContainer image{name, e->record.id, store.lower_dirs(e->record), store.config(e->record).config};
  o.image_volumes = image.defaults.volumes;
  o.network.exposed_ports = image.defaults.exposed_ports;
  engine::apply_image(r, image, entrypoint_given(cmd));
}

// docker's copy-up: each new, empty volume (unless `nocopy`) is given what the image
// has where it is mounted, before the container first sees it.
void copy_up(vol::VolumeStore& store, const engine::CreateRequest& r, const std::vector<vol::VolumeMount>& mounts) {
  const std::vector<std::string> image = r.rootfs.empty() ? r.lower_dirs : std::vector<std::string>{r.rootfs};
  for (const vol::VolumeMount& m : mounts) {
    if (!m.copy_up) continue;
    store.fill_if_empty(m.volume, [&](const std::string& data) {
      return engine::copy_up_from_image(image, m.target, data, "copy " + m.target + " into volume " + m.volume.name);
    });
  }
}

// --volumes-from: the other containers' volume and bind mounts, added to the -v specs
// (after the named ones were resolved: these are host paths already); returns the named
// volumes among them. A path the request mounts itself is not inherited.
std::vector<std::string> take_volumes_from(const GlobalOptions& g, engine::CreateRequest& r) {
  std::vector<std::string> names;
  if (r.volumes_from.empty()) return names;
  engine::Containers containers = containers_from(g);
  for (const std::string& value : r.volumes_from) {
    const auto [ref, mode] = engine::parse_volumes_from(value);
    const std::string id = containers.resolve(ref);
    const engine::InheritedMounts in = engine::inherited_mounts(
        containers.spec(id), containers.view(id).config.volumes, containers.layout().container_dir(id), mode);
    auto target_of = [](const std::string& v) {
      const std::vector<std::string> parts = base::split(v, ':');
      return parts.size() > 1 ? parts[1] : std::string();
    };
    for (const std::string& spec : in.volumes) {
      const bool taken = std::any_of(r.volumes.begin(), r.volumes.end(),
                                     [&](const std::string& v) { return target_of(v) == target_of(spec); });
      if (!taken) r.volumes.push_back(spec);
    }
    names.insert(names.end(), in.names.begin(), in.names.end());
  }
  r.volumes_from.clear();
  return names;
}

// --mount as -v and --tmpfs; -v NAME:/path: the volume (made on first use, mounted if typed) bound from its _data,
// -v /path and the image's VOLUMEs: new anonymous volumes; all named in the container's config, and filled
// from the image when new.
void take_volumes(const GlobalOptions& g, RunCli& o) {
  for (const std::string& spec : o.request.mounts) vol::add_mount_flag(spec, o.request.volumes, o.request.tmpfs);
  o.request.mounts.clear();
  if (o.request.volumes.empty() && o.image_volumes.empty() && o.request.volumes_from.empty()) return;
  vol::VolumeStore store = volume_store_from(g);
  o.volume_lock.emplace(store.lock_for_using());
  std::vector<vol::VolumeMount> mounts = vol::resolve_volume_mounts(store, o.request.volumes);
  const std::vector<std::string> inherited = take_volumes_from(g, o.request);
  vol::add_image_volumes(store, o.image_volumes, o.request.tmpfs, o.request.volumes, mounts);
  for (const vol::VolumeMount& m : mounts)
    if (vol::is_anonymous(m.volume)) o.new_anonymous.push_back(m.volume.name);
  o.request.named_volumes = vol::volume_names(mounts);
  for (const std::string& name : inherited)
    if (std::find(o.request.named_volumes.begin(), o.request.named_volumes.end(), name) == o.request.named_volumes.end())
      o.request.named_volumes.push_back(name);
  copy_up(store, o.request, mounts);
}

// A container that was not made leaves no anonymous volume behind (its named ones stay,
// as docker keeps them).
void remove_new_anonymous(const GlobalOptions& g, RunCli& o) {
  if (o.new_anonymous.empty()) return;
  o.release_locks();  // removal takes the volume store's lock exclusively
  remove_anonymous_volumes(g, o.new_anonymous);
  o.new_anonymous.clear();
}

// The positionals: what to run from, then the command.
void take_positionals(const GlobalOptions& g, CLI::App& cmd, RunCli& o) {
  engine::CreateRequest& r = o.request;
  std::vector<std::string> rest = cmd.remaining();
  if (rest.empty())
    throw Error(rootfs_given(cmd) ? "a root filesystem directory is required with --rootfs"
                                  : "\"stack container " + cmd.get_name() + "\" requires at least 1 argument (an image)");
  const std::string from = rest.front();
  rest.erase(rest.begin());
  if (!rest.empty()) r.command = rest;
  if (rootfs_given(cmd)) {
    r.rootfs = std::filesystem::absolute(from).lexically_normal().string();
    if (!std::filesystem::is_directory(r.rootfs)) throw Error("rootfs " + r.rootfs + ": not a directory");
  } else {
    take_image(g, cmd, from, o);
  }
  take_volumes(g, o);
  if (cmd.count("--network") == 0) r.network = "bridge";  // docker's default network
  attach_network(g, r, o.network);
}

// A container that was not made leaves no network behind either.
void undo_network(const GlobalOptions& g, RunCli& o) {
  release_network(g, o.request.id);
  o.request.id.clear();
}

int exit_code_for_start_error(const Error& e) {
  const std::string text = e.what();
  if (text.find("executable file not found") != std::string::npos || text.find("no such file or directory") != std::string::npos)
    return 127;
  if (text.find("permission denied") != std::string::npos) return 126;
  return 125;
}

void print_error(const Error& e) {
  fmt::print(stderr, "{}\n", e.what());
  if (!e.hint().empty()) fmt::print(stderr, "hint: {}\n", e.hint());
}

int run(const GlobalOptions& g, CLI::App& cmd, RunCli& o) {
  engine::Containers containers = containers_from(g);
  try {
    take_positionals(g, cmd, o);
    if (!o.detach) {
      const int code = containers.run_attached(o.request, o.request.stdin_open ? 0 : -1, o.request.tty && isatty(0),
                                               [&o] { o.release_locks(); });
      if (o.request.auto_remove) {
        remove_new_anonymous(g, o);  // docker's --rm takes them along
        undo_network(g, o);
      }
      return code;
    }
  } catch (const engine::CreateError& e) {
    print_error(e);
    remove_new_anonymous(g, o);
    undo_network(g, o);
    return 125;
  } catch (const Error& e) {
    print_error(e);
    remove_new_anonymous(g, o);  // those a container still uses stay
    if (!o.request.id.empty() && !std::filesystem::exists(containers.layout().container_dir(o.request.id) + "/config.json"))
      undo_network(g, o);
    return exit_code_for_start_error(e);
  }
  std::string id;
  try {
    id = containers.create(o.request);
    o.release_locks();
  } catch (const Error& e) {
    print_error(e);
    remove_new_anonymous(g, o);
    undo_network(g, o);
    return 125;
  }
  try {
    containers.start(id);
    fmt::print("{}\n", id);
    return 0;
  } catch (const Error& e) {
    print_error(e);
    if (o.request.auto_remove) {
      try {
        containers.remove(id, true);
      } catch (const Error&) {
      }
      undo_network(g, o);
    }
    return exit_code_for_start_error(e);
  }
}

// docker run's ~60 flags make CLI11 build as many option objects, a visible part of a
// container's start: they are registered only when the command line names the command
// (its own --help included), and `stack container --help` lists it all the same.
void add_flags_if_named(CLI::App& cmd, RunCli& o) {
  if (!command_line_mentions(cmd.get_name())) return;
  add_create_flags(cmd, o.request);
  add_network_flags(cmd, o.network);
  add_publish_flags(cmd, o.network.publish);
}

void add_create(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<RunCli>();
  auto* cmd = family.add_subcommand("create", "Create a new container");
  add_flags_if_named(*cmd, *o);
  cmd->add_option("--pull", o->pull, "Pull image before creating (\"always\", \"missing\", \"never\")");
  cmd->callback([&g, &exit_code, o, cmd] {
    engine::Containers containers = containers_from(g);
    take_positionals(g, *cmd, *o);
    try {
      fmt::print("{}\n", containers.create(o->request));
    } catch (const Error&) {
      remove_new_anonymous(g, *o);
      undo_network(g, *o);
      throw;
    }
    o->release_locks();
    exit_code = 0;
  });
}

void add_run(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<RunCli>();
  auto* cmd = family.add_subcommand("run", "Create and run a new container");
  add_flags_if_named(*cmd, *o);
  cmd->add_flag("-d,--detach", o->detach, "Run container in background and print container ID");
  cmd->add_option("--pull", o->pull, "Pull image before running (\"always\", \"missing\", \"never\")");
  cmd->callback([&g, &exit_code, o, cmd] { exit_code = run(g, *cmd, *o); });
}

}  // namespace

void add_container_run_commands(CLI::App& family, const GlobalOptions& global, int& exit_code) {
  add_create(family, global, exit_code);
  add_run(family, global, exit_code);
}

}  // namespace stack::cli
