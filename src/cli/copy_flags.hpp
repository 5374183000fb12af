// What `stack container cp` and `stack cp` share: -a, -L and the two path arguments,
// read into engine::cp's terms. `object` is "CONTAINER" or "SERVICE".
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "engine/cp/container_copy.hpp"
#include "engine/cp/copy_plan.hpp"

namespace stack::cli {

struct CopyArguments {
  std::string source;
  std::string destination;
  engine::cp::CopyOptions options;
};

inline void add_copy_arguments(CLI::App& cmd, CopyArguments& args, const std::string& object) {
  cmd.add_flag("-a,--archive", args.options.archive, "Archive mode (copy all uid/gid information)");
  cmd.add_flag("-L,--follow-link", args.options.follow_link, "Always follow symbol link in SRC_PATH");
  cmd.add_option("source", args.source, object + ":SRC_PATH, or SRC_PATH|- on the host")->required();
  cmd.add_option("destination", args.destination, "DEST_PATH|- on the host, or " + object + ":DEST_PATH")->required();
}

}  // namespace stack::cli
