// What `cp` does, decided before anything is copied (docker's archive.PrepareArchiveCopy):
// the source becomes a tar stream whose top entry is named for where it must land, and
// the stream is extracted into the destination directory or into its parent:
//
//   source file, destination missing       -> the file, named as the destination
//   source file, destination a file        -> overwritten
//   source file, destination a directory   -> into it, under its own name
//   source dir, destination missing        -> made as the destination, with the source's content
//   source dir, destination a directory    -> into it, under its own name; "SRC/." copies the
//                                             content instead
//   source dir, destination a file         -> error
//   destination "x/" or "x/." that is missing, source a file -> error
//
// Pure functions of what both sides are; inspect.hpp finds that out.
#pragma once

#include <string>
#include <vector>

namespace stack::engine::cp {

// One argument of `cp`: "CONTAINER:PATH", or a local path (an absolute path, one starting
// with ".", or one without ':'), as docker's splitCpArg reads it.
struct CopyArgument {
  std::string container;  // "" for a local path
  std::string path;
};
CopyArgument split_copy_argument(const std::string& arg);

enum class Direction { FromContainer, ToContainer };
// Throws stack::Error when both arguments or neither name a container.
Direction copy_direction(const CopyArgument& source, const CopyArgument& destination);

// Paths as given, with what their spelling says.
bool copies_contents(const std::string& path);    // "dir/." or "."
bool asserts_directory(const std::string& path);  // "dir/" or "dir/."
// The name the source's top entry takes when nothing renames it: its last component
// after "." and ".." ("." for a directory's content, and for "/").
std::string source_entry_name(const std::string& path);
// A container path: relative ones are relative to the container's root.
std::string container_path(const std::string& path);
// A host path made absolute against the working directory, its trailing "/" or "/." kept.
std::string host_path(const std::string& path);

struct SourceInfo {
  std::string shown;  // how errors name it ("web:/etc/x", "/tmp/x")
  std::string path;   // the path as given
  bool is_dir = false;
  std::vector<std::string> components;  // resolved (see fs_view.hpp)
};

struct DestInfo {
  std::string shown;
  std::string path;
  bool exists = false;
  bool is_dir = false;
  bool parent_is_dir = false;  // the directory that would hold it exists
  std::vector<std::string> components;  // resolved
};

struct CopyPlan {
  bool into_destination = false;  // entries go into the destination directory, else into its parent
  std::string entry_name;         // the top entry's name there ("." for a directory's content)
};

// Throws stack::Error for the impossible cases above.
CopyPlan plan_copy(const SourceInfo& source, const DestInfo& destination);

// A tar stream from stdin is extracted into the destination, which must be a directory.
void require_directory(const DestInfo& destination);

// A source path spelled as a directory ("x/", "x/.") that is not one.
void check_source(const SourceInfo& source);

}  // namespace stack::engine::cp
