// `stack image ls|inspect|history|tag|rm|prune`: the image store as docker's image
// commands show it. Import, save and load are in image_io_cmd.cpp.
#include <unistd.h>

#include <cmath>
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/container_format.hpp"
#include "cli/image_engine.hpp"
#include "cli/interaction.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/store_index.hpp"

namespace stack::cli {

namespace img = engine::image;

std::vector<std::pair<std::string, std::string>> images_in_use(const GlobalOptions& global) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const engine::ContainerView& v : containers_from(global).list()) {
    if (!v.config.image_id.empty()) out.emplace_back(v.config.image_id, v.config.name);
  }
  return out;
}

namespace {

int64_t image_size(const img::ImageRecord& r) {
  int64_t total = 0;
  for (const img::LayerRecord& l : r.layers) total += l.content_size;
  return total;
}

std::string short_id(const std::string& id, bool no_trunc) {
  return no_trunc ? id : img::short_digest(id);
}

// "docker.io/library/busybox:latest" -> {"busybox", "latest"}; digests -> {name, "<none>"}.
std::pair<std::string, std::string> repo_and_tag(const std::string& ref) {
  img::Reference r = img::parse_reference(ref);
  return {r.familiar_name(), r.tag.empty() ? "<none>" : r.tag};
}

struct LsOptions {
  bool quiet = false, no_trunc = false, all = false, digests = false;
  std::string format;
};

void run_ls(const GlobalOptions& g, const LsOptions& o) {
  std::vector<std::vector<std::string>> rows = {{"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"}};
  const img::ImageStore store = image_store_from(g);
  for (const img::ImageEntry& e : store.list()) {
    std::vector<std::string> tags;
    for (const std::string& ref : e.references)
      if (ref.find('@') == std::string::npos) tags.push_back(ref);
    if (tags.empty()) tags.push_back("");  // an untagged image: one <none> row
    const std::string id = short_id(e.record.id, o.no_trunc);
    if (o.quiet) {
      fmt::print("{}\n", id);
      continue;
    }
    const std::string created = store.config(e.record).created;
    for (const std::string& tag : tags) {
      auto [repo, t] = tag.empty() ? std::pair<std::string, std::string>{"<none>", "<none>"} : repo_and_tag(tag);
      const nlohmann::json fields = {
          {"Repository", repo}, {"Tag", t}, {"ID", id}, {"CreatedAt", created},
          {"CreatedSince", created.empty() ? "N/A" : human_duration(seconds_since(created)) + " ago"},
          {"Size", human_size(static_cast<double>(image_size(e.record)))}};
      if (o.format == "json") {
        fmt::print("{}\n", fields.dump());
      } else if (!o.format.empty() && o.format != "table") {
        fmt::print("{}\n", render_template(o.format, fields));
      } else {
        rows.push_back({repo, t, id, fields["CreatedSince"], fields["Size"]});
      }
    }
  }
  if (!o.quiet && (o.format.empty() || o.format == "table")) print_table(rows);
}

void add_ls(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<LsOptions>();
  auto* cmd = family.add_subcommand("ls", "List images");
  cmd->alias("list");
  cmd->add_flag("-q,--quiet", o->quiet, "Only show image IDs");
  cmd->add_flag("--no-trunc", o->no_trunc, "Don't truncate output");
  cmd->add_flag("-a,--all", o->all, "Show all images (intermediate images are never kept: same as without)");
  cmd->add_option("--format", o->format, "Format output: table, json, or a template such as '{{.Repository}}'");
  cmd->callback([&g, &exit_code, o] {
    run_ls(g, *o);
    exit_code = 0;
  });
}

nlohmann::json inspect_image(const img::ImageStore& store, const img::ImageEntry& e) {
  const nlohmann::json config = nlohmann::json::parse(store.read_blob(e.record.id));
  nlohmann::json tags = nlohmann::json::array(), digests = nlohmann::json::array();
  for (const std::string& ref : e.references) {
    img::Reference r = img::parse_reference(ref);
    if (r.digest.empty()) tags.push_back(r.familiar());
    else digests.push_back(r.familiar_name() + "@" + r.digest);
  }
  return {{"Id", e.record.id},
          {"RepoTags", tags},
          {"RepoDigests", digests},
          {"Created", config.value("created", "")},
          {"Author", config.value("author", "")},
          {"Config", config.value("config", nlohmann::json::object())},
          {"Architecture", config.value("architecture", "")},
          {"Os", config.value("os", "")},
          {"Size", image_size(e.record)},
          {"RootFS", config.value("rootfs", nlohmann::json::object())},
          {"Metadata", {{"LastTagTime", e.record.added}}}};
}

void add_inspect(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>();
  auto* cmd = family.add_subcommand("inspect", "Display detailed information on one or more images");
  cmd->add_option("images", *names, "Images (reference, id or id prefix)")->required()->type_name("IMAGE");
  cmd->add_option("-f,--format", *format, "Format output using a template such as '{{.Id}}'");
  cmd->callback([&g, &exit_code, names, format] {
    img::ImageStore store = image_store_from(g);
    exit_code = print_inspected(*names, *format, [&](const std::string& name) {
      const auto e = store.find(name);
      if (!e) throw Error("No such image: " + name);
      return inspect_image(store, *e);
    });
  });
}

void run_history(const img::ImageStore& store, const std::string& name, bool no_trunc, bool quiet) {
  auto e = store.find(name);
  if (!e) throw Error("No such image: " + name);
  const img::ImageConfig config = store.config(e->record);
  std::vector<std::vector<std::string>> rows = {{"IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"}};
  // Layers go to the history entries that made one, bottom first.
  std::vector<int64_t> sizes;
  size_t layer = 0;
  for (const img::HistoryEntry& h : config.history) {
    sizes.push_back(!h.empty_layer && layer < e->record.layers.size() ? e->record.layers[layer++].content_size : 0);
  }
  for (size_t i = config.history.size(); i-- > 0;) {
    const img::HistoryEntry& h = config.history[i];
    const std::string id = i + 1 == config.history.size() ? short_id(e->record.id, no_trunc) : "<missing>";
    if (quiet) {
      fmt::print("{}\n", id);
      continue;
    }
    std::string by = h.created_by;
    if (!no_trunc && by.size() > 45) by = by.substr(0, 44) + "…";
    rows.push_back({id, h.created.empty() ? "N/A" : human_duration(seconds_since(h.created)) + " ago", by,
                    human_size(static_cast<double>(sizes[i])), h.comment});
  }
  if (!quiet) print_table(rows);
}

void add_history(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto name = std::make_shared<std::string>();
  auto no_trunc = std::make_shared<bool>(false);
  auto quiet = std::make_shared<bool>(false);
  auto* cmd = family.add_subcommand("history", "Show the history of an image");
  cmd->add_option("image", *name, "Image")->required()->type_name("IMAGE");
  cmd->add_flag("--no-trunc", *no_trunc, "Don't truncate output");
  cmd->add_flag("-q,--quiet", *quiet, "Only show image IDs");
  cmd->callback([&g, &exit_code, name, no_trunc, quiet] {
    run_history(image_store_from(g), *name, *no_trunc, *quiet);
    exit_code = 0;
  });
}

void add_tag(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto source = std::make_shared<std::string>();
  auto target = std::make_shared<std::string>();
  auto* cmd = family.add_subcommand("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
  cmd->add_option("source", *source, "Source image")->required()->type_name("SOURCE_IMAGE[:TAG]");
  cmd->add_option("target", *target, "Target image")->required()->type_name("TARGET_IMAGE[:TAG]");
  cmd->callback([&g, &exit_code, source, target] {
    img::ImageStore store = image_store_from(g);
    const img::Reference to = img::parse_reference(*target);
    if (!to.digest.empty()) throw Error("refusing to create a tag with a digest reference");
    auto e = store.find(*source);
    if (!e) throw Error("No such image: " + *source);
    store.tag(e->record.id, img::index::key_of(to));
    exit_code = 0;
  });
}

void print_removed(const img::RemovedImages& r, bool lowercase) {
  for (const std::string& ref : r.untagged) {
    img::Reference parsed = img::parse_reference(ref);
    fmt::print("{}: {}\n", lowercase ? "untagged" : "Untagged",
               parsed.digest.empty() ? parsed.familiar() : parsed.familiar_name() + "@" + parsed.digest);
  }
  for (const std::string& id : r.deleted) fmt::print("{}: {}\n", lowercase ? "deleted" : "Deleted", id);
}

void add_rm(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  auto* cmd = family.add_subcommand("rm", "Remove one or more images");
  cmd->alias("remove");
  cmd->add_option("images", *names, "Images (reference, id or id prefix)")->required()->type_name("IMAGE");
  cmd->add_flag("-f,--force", *force, "Force removal of the image");
  auto no_prune = std::make_shared<bool>(false);  // there are no parent images to keep: accepted as docker's
  cmd->add_flag("--no-prune", *no_prune, "Do not delete untagged parents");
  cmd->callback([&g, &exit_code, names, force, no_prune] {
    img::ImageStore store = image_store_from(g);
    exit_code = for_each_target(*names, [&](const std::string& name) {
      print_removed(store.remove(name, *force, [&g] { return images_in_use(g); }), false);
    });
  });
}

void add_prune(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto all = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  auto* cmd = family.add_subcommand("prune", "Remove unused images");
  cmd->add_flag("-a,--all", *all, "Remove all unused images, not just dangling ones");
  cmd->add_flag("-f,--force", *force, "Do not prompt for confirmation");
  cmd->callback([&g, &exit_code, all, force] {
    exit_code = 0;
    const char* what = *all ? "WARNING! This will remove all images without at least one container associated to them."
                            : "WARNING! This will remove all dangling images.";
    if (!*force && !confirmed(std::string(what) + "\nAre you sure you want to continue?")) return;
    const img::RemovedImages r = image_store_from(g).prune(*all, [&g] { return images_in_use(g); });
    if (!r.untagged.empty() || !r.deleted.empty()) {
      fmt::print("Deleted Images:\n");
      print_removed(r, true);
      fmt::print("\n");
    }
    fmt::print("Total reclaimed space: {}\n", human_size(static_cast<double>(r.reclaimed_bytes)));
  });
}

}  // namespace

void add_image_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto* family = app.add_subcommand("image", "Manage images");
  family->require_subcommand(1);
  add_ls(*family, global, exit_code);
  add_inspect(*family, global, exit_code);
  add_history(*family, global, exit_code);
  add_tag(*family, global, exit_code);
  add_rm(*family, global, exit_code);
  add_prune(*family, global, exit_code);
  add_image_io_commands(*family, global, exit_code);
  add_image_registry_commands(*family, global, exit_code);
  add_image_build_command(*family, global, exit_code);
}

}  // namespace stack::cli
