// The inotify watches that tell the server its records may have changed: the networks
// directory, each network's directory, and each container's state directory (the shim
// renames state.json into place on every transition: IN_MOVED_TO).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"

namespace stack::net::dns {

class RecordWatch {
 public:
  // A fresh inotify instance watching these directories. Made before the records are
  // read, so a change made while reading is still reported.
  RecordWatch(const std::string& networks_dir, const std::vector<std::string>& state_dirs);

  int fd() const { return fd_.get(); }
  // Drains the pending events; true when one of them can change the answers.
  bool drain();

 private:
  UniqueFd fd_;
  std::set<int> record_watches_;  // any event in these counts
};

}  // namespace stack::net::dns
