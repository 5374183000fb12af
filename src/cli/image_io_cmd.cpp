// `stack image import|save|load`: images in and out of the store through files.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fmt/core.h>

#include "base/unique_fd.hpp"
#include "cli/commands.hpp"
#include "cli/container_flags.hpp"
#include "cli/image_engine.hpp"
#include "engine/image/archive.hpp"
#include "engine/image/import.hpp"
#include "engine/image/reference.hpp"

namespace stack::cli {
namespace {

namespace img = engine::image;

UniqueFd open_input(const std::string& path) {
  if (path.empty() || path == "-") return UniqueFd(::dup(0));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw Error("open " + path + ": " + std::strerror(errno));
  return fd;
}

struct ImportCli {
  std::string source, reference, message;
  std::vector<std::string> changes;
};

void add_import(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<ImportCli>();
  auto* cmd = family.add_subcommand("import", "Import the contents from a tarball to create a filesystem image");
  cmd->add_option("file", o->source, "A root filesystem tarball (plain, gzip or zstd), or - for standard input")
      ->required()
      ->type_name("file|-");
  cmd->add_option("reference", o->reference, "The image's name")->type_name("REPOSITORY[:TAG]");
  add_list_option(*cmd, "-c,--change", o->changes, "Apply Dockerfile instruction to the created image");
  cmd->add_option("-m,--message", o->message, "Set commit message for imported image");
  cmd->callback([&g, &exit_code, o] {
    if (o->source.find("://") != std::string::npos) {
      throw Error("import " + o->source + ": only files and standard input can be imported",
                  "download it first, then: stack image import FILE");
    }
    img::ImportOptions options{o->changes, o->message, o->reference, o->source};
    UniqueFd in = open_input(o->source);
    const img::ImageEntry e = img::import_image(image_store_from(g), in.get(), options);
    fmt::print("{}\n", e.record.id);
    exit_code = 0;
  });
}

// `-o FILE` is written beside itself and renamed into place, so a failed save never
// leaves a truncated archive under the name asked for.
void save_to_file(const img::ImageStore& store, const std::vector<std::string>& names, const std::string& path) {
  const std::string tmp = path + ".stack-save-" + std::to_string(::getpid());
  UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!out) throw Error("open " + path + ": " + std::strerror(errno));
  try {
    img::save_images(store, names, out.get());
    if (::fsync(out.get()) != 0) throw Error("write " + path + ": " + std::strerror(errno));
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error("write " + path + ": " + std::strerror(err));
  }
}

void add_save(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto output = std::make_shared<std::string>();
  auto* cmd = family.add_subcommand("save", "Save one or more images to a tar archive (streamed to STDOUT by default)");
  cmd->add_option("images", *names, "Images")->required()->type_name("IMAGE");
  cmd->add_option("-o,--output", *output, "Write to a file, instead of STDOUT");
  cmd->callback([&g, &exit_code, names, output] {
    img::ImageStore store = image_store_from(g);
    if (!output->empty()) {
      save_to_file(store, *names, *output);
    } else {
      if (::isatty(1)) throw Error("cowardly refusing to save to a terminal. Use the -o flag or redirect");
      img::save_images(store, *names, 1);
    }
    exit_code = 0;
  });
}

void add_load(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto input = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  auto* cmd = family.add_subcommand("load", "Load an image from a tar archive or STDIN");
  cmd->add_option("-i,--input", *input, "Read from tar archive file, instead of STDIN");
  cmd->add_flag("-q,--quiet", *quiet, "Suppress the load output");
  cmd->callback([&g, &exit_code, input, quiet] {
    if (input->empty() && ::isatty(0)) {
      throw Error("requested load from stdin, but stdin is empty", "give an archive with -i FILE or redirect one");
    }
    UniqueFd in = open_input(*input);
    for (const img::LoadedImage& loaded : img::load_images(image_store_from(g), in.get())) {
      if (*quiet) continue;
      if (loaded.references.empty()) fmt::print("Loaded image ID: {}\n", loaded.id);
      for (const std::string& ref : loaded.references) fmt::print("Loaded image: {}\n", img::parse_reference(ref).familiar());
    }
    exit_code = 0;
  });
}

}  // namespace

void add_image_io_commands(CLI::App& family, const GlobalOptions& global, int& exit_code) {
  add_import(family, global, exit_code);
  add_save(family, global, exit_code);
  add_load(family, global, exit_code);
}

}  // namespace stack::cli
