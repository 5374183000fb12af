// .dockerignore: which files of the build context a build never sees, with Docker's rules
// (moby/patternmatcher): one pattern per line, `#` comments, blank lines skipped, each
// pattern cleaned (filepath.Clean, leading "/" dropped), Go filepath.Match syntax (`*`, `?`,
// `[a-z]`, `\` escapes) plus `**` matching any number of directories, `!` re-including
// what an earlier pattern excluded; the last matching pattern decides. A directory that is
// excluded excludes everything under it unless an exception pattern could match inside it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/build/ignore_pattern.hpp"

namespace stack::engine::build {

class IgnoreRules {
 public:
  IgnoreRules() = default;  // excludes nothing
  // Throws stack::Error ".dockerignore:3: bad pattern \"[a\": syntax error in pattern".
  static IgnoreRules parse(std::string_view text, const std::string& origin = ".dockerignore");
  // Reads <context_dir>/.dockerignore; none is fine.
  static IgnoreRules load(const std::string& context_dir);

  // `path` relative to the context root, '/'-separated, no leading "./" ("src/a.c").
  bool excluded(std::string_view path) const;
  // True when some exception ("!pattern") might re-include something beneath the
  // excluded directory `dir`, so a walk must still descend into it.
  bool may_include_beneath(std::string_view dir) const;

 private:
  struct Pattern {
    std::string glob;  // cleaned, '/'-separated
    bool exclusion = false;  // a "!" pattern
    Glob matcher;
  };
  bool matches(const Pattern& pattern, std::string_view path) const;
  std::vector<Pattern> patterns_;
};

}  // namespace stack::engine::build
