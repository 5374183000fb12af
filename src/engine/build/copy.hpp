// COPY and ADD: which files a source list names, what their content is for the build
// cache, and copying them into a root filesystem, with Docker's semantics
// (https://docs.docker.com/reference/dockerfile/#copy):
// - sources are relative to the source root (the context, or another stage's or image's
//   root for --from); they may hold wildcards (Go filepath.Match, per path component);
//   a source that matches nothing is an error;
// - a directory source copies its contents (not the directory itself), recursively;
// - the destination is a directory when it ends in "/", when there are several sources
//   (then it must end in "/": "When using COPY with more than one source file, the
//   destination must be a directory and end with a /"), or when it is an existing
//   directory; missing parent directories are created (0755, root-owned or --chown'ed);
// - files keep their mode and times; ownership is 0:0 unless --chown; --chmod sets the
//   mode of every copied file and directory; symlinks beneath a directory source are
//   copied as symlinks, hard links become separate files, fifos and devices are made
//   again, sockets are skipped; a directory the destination already has as a symlink to
//   a directory (a merged /usr's "lib -> usr/lib") is copied into, not replaced;
// - ADD only: a local source that is a tar archive (plain, gzip, zstd; bzip2 and xz
//   through the host's bzip2/xz programs) is extracted into the destination directory
//   instead of copied, keeping the archive's owners and modes (copy_extract.hpp); URL
//   sources are not handled here (the builder downloads them first);
// - every path in either root is resolved inside that root (openat2 RESOLVE_IN_ROOT):
//   a symlink in the image pointing to "/usr/x" means <root>/usr/x, never the host's.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stack::engine::build {

class IgnoreRules;

struct CopyOptions {
  std::optional<uid_t> uid;    // --chown user part, resolved by the caller
  std::optional<gid_t> gid;    // --chown group part (uid's primary group when only a user was given)
  std::optional<mode_t> mode;  // --chmod (octal already parsed)
  bool extract_archives = false;  // ADD
};

// The source entries `sources` name beneath `src_root_fd` (a directory fd), wildcards
// expanded, in order, each '/'-separated and relative ("app/main.c", "." for the root).
// Entries `ignore` excludes are invisible (pass IgnoreRules{} for another stage's root),
// except an excluded directory in which an exception may re-include something.
// Throws stack::Error naming the source: "COPY failed: file not found in build context or
// excluded by .dockerignore: stat missing.txt: file does not exist" (`instruction` is
// "COPY" or "ADD"), or for an escaping source "forbidden path outside the build context: ../x".
std::vector<std::string> match_sources(int src_root_fd, const std::vector<std::string>& sources,
                                       const IgnoreRules& ignore, std::string_view instruction);

// A digest ("sha256:...") over what copying `matched` would copy: for each entry, in order,
// its relative name, type, mode, and content (file data, link target), recursively for
// directories, minus ignored entries. Equal digests mean the COPY would give the same
// files (owners and times are not part of it, as with Docker's cache).
std::string content_digest(int src_root_fd, const std::vector<std::string>& matched, const IgnoreRules& ignore);

// Copies `matched` (from match_sources) into `dst_root_fd` at `dest`, an absolute path in
// that root (the builder has resolved it against WORKDIR). Throws stack::Error naming the
// file and the cause.
void copy_sources(int src_root_fd, const std::vector<std::string>& matched, const IgnoreRules& ignore,
                  int dst_root_fd, const std::string& dest, const CopyOptions& options);

}  // namespace stack::engine::build
