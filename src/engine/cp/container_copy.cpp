#include "engine/cp/container_copy.hpp"

#include <unistd.h>

#include "engine/cp/container_fs.hpp"
#include "engine/cp/copy_plan.hpp"
#include "engine/cp/inspect.hpp"
#include "engine/cp/tar_pipe.hpp"

namespace stack::engine::cp {
namespace {

image::ExtractOptions extract_options(const CopyOptions& options, uid_t uid, gid_t gid) {
  image::ExtractOptions out;
  if (!options.archive) out.owner = std::make_pair(uid, gid);
  out.keep_kinds = true;
  return out;
}

SourceInfo checked(std::optional<SourceInfo> source, const std::string& missing) {
  if (!source) throw Error(missing);
  check_source(*source);
  return *source;
}

// Source into destination directory, both sides planned.
uint64_t copy_between(const FsView& from, const SourceInfo& source, const FsView& to, const DestInfo& destination,
                      bool writing_container, const image::ExtractOptions& options) {
  const CopyPlan plan = plan_copy(source, destination);
  const UniqueFd dir =
      open_directory(to, extract_components(destination, plan), writing_container, destination.shown);
  return pipe_copy([&](image::TarWriter& tar) { write_source_tar(from, source.components, plan.entry_name, tar); },
                   dir.get(), options);
}

}  // namespace

CopyResult copy_from_container(const Containers& containers, const std::string& id, const std::string& source,
                               const std::string& destination, const CopyOptions& options, int out_fd) {
  const ContainerFs c = open_container_fs(containers, id);
  const std::string path = container_path(source);
  const SourceInfo src = checked(find_source(c.view, path, options.follow_link, c.name + ":" + path),
                                 "Could not find the file " + path + " in container " + c.name);
  if (destination == "-") {
    image::TarWriter tar(out_fd);
    write_source_tar(c.view, src.components, source_entry_name(path), tar);
    tar.finish();
    return {tar.bytes_written(), "-"};
  }
  const FsView host = host_view();
  const std::string target = host_path(destination);
  const DestInfo dst = inspect_destination(host, target, target);
  return {copy_between(c.view, src, host, dst, false, extract_options(options, ::geteuid(), ::getegid())), target};
}

CopyResult copy_to_container(const Containers& containers, const std::string& id, const std::string& source,
                             const std::string& destination, const CopyOptions& options, int in_fd) {
  const ContainerFs c = open_container_fs(containers, id);
  const std::string path = container_path(destination);
  const DestInfo dst = inspect_destination(c.view, path, c.name + ":" + path);
  const image::ExtractOptions extract = extract_options(options, 0, 0);
  if (source == "-") {
    require_directory(dst);
    const UniqueFd dir = open_directory(c.view, dst.components, true, dst.shown);
    image::TarExtraction extraction(in_fd);
    if (!extraction.is_tar()) throw Error("the standard input is not a tar archive");
    extraction.extract_to(dir.get(), extract);
    return {0, path};
  }
  const FsView host = host_view();
  const std::string from = host_path(source);
  const SourceInfo src = checked(find_source(host, from, options.follow_link, from), "no such file or directory: " + from);
  return {copy_between(host, src, c.view, dst, true, extract), path};
}

}  // namespace stack::engine::cp
