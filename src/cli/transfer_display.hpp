// How pulls and pushes show progress, as docker does: on a terminal one live line per
// layer ("a1b2c3d4e5f6: Downloading [=====>      ]  1.2MB/3.4MB"), redrawn in place; when
// piped, one plain line per change of a layer's status and no progress bars.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "engine/image/transfer.hpp"

namespace stack::cli {

class TransferDisplay : public engine::image::TransferObserver {
 public:
  TransferDisplay(std::FILE* out, bool terminal, bool quiet) : out_(out), terminal_(terminal), quiet_(quiet) {}

  void layer(const std::string& short_digest, const std::string& status, uint64_t done, uint64_t total) override;
  void message(const std::string& text) override;

 private:
  struct Line {
    std::string id, status, text;
  };
  std::string render(const std::string& status, uint64_t done, uint64_t total) const;
  void redraw_line(size_t index);

  std::FILE* out_;
  bool terminal_;
  bool quiet_;
  std::mutex lock_;
  std::vector<Line> lines_;  // in the order layers first reported
};

}  // namespace stack::cli
