// The line layer of the Dockerfile parser (dockerfile.hpp): physical lines, parser
// directives at the top, instruction lines with continuations joined and comment/blank
// lines inside them skipped, and heredoc bodies, as Docker's parser reads them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/build/dockerfile.hpp"

namespace stack::engine::build {

// Throws stack::Error "<name>:<line>: <message>".
[[noreturn]] void fail_at(const std::string& name, int line, const std::string& message);

struct LogicalLine {
  int line = 0;      // 1-based line of its first physical line
  std::string text;  // escape+newline removed, comment lines within dropped
};

class DockerfileLines {
 public:
  DockerfileLines(std::string_view text, std::string name);

  // Reads the parser directives (`# escape=x`, `# syntax=...`, `# check=...`) at the very
  // top and returns the escape character. A repeated directive or an escape other than
  // `\` and `` ` `` is an error.
  char read_directives();

  // The next instruction line, nullopt at the end of the file.
  std::optional<LogicalLine> next_instruction(char escape);

  // Reads `doc`'s body, the lines up to its terminator; false when the file ends first.
  bool read_heredoc(Heredoc& doc);

  // The number of the last line read (0 before any).
  int line() const { return static_cast<int>(next_); }

 private:
  std::vector<std::string_view> lines_;
  std::size_t next_ = 0;
  std::string name_;
};

}  // namespace stack::engine::build
