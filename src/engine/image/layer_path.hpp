// Names of layer entries: the pure rules that decide where an entry may go and what a
// whiteout means, kept apart from the system calls so they are unit-tested without root.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stack::engine::image {

// The entry name as a relative path beneath the layer directory: leading "./" and "/."
// pieces, empty components and a trailing '/' dropped ("./a//b/" -> "a/b", "./" -> "").
// Nothing for a name that could leave the directory: a leading '/' (after the leading
// "./") or any ".." component.
std::optional<std::string> clean_entry_path(std::string_view name);

// "a/b/c" -> {"a/b", "c"}; "c" -> {"", "c"}. `path` is a cleaned, non-empty path.
struct SplitPath {
  std::string parent;
  std::string base;
};
SplitPath split_entry_path(const std::string& path);

// What an entry's last component says about overlay whiteouts (OCI image spec, "Whiteouts").
enum class WhiteoutKind {
  None,      // an ordinary entry
  Opaque,    // ".wh..wh..opq": hide everything the lower layers have in this directory
  Remove,    // ".wh.NAME": hide NAME of the lower layers
  AufsMeta,  // other ".wh..wh." names: aufs bookkeeping, ignored
  Invalid,   // ".wh.", ".wh.." or ".wh...": a whiteout of nothing, or of a parent
};
struct Whiteout {
  WhiteoutKind kind = WhiteoutKind::None;
  std::string target;  // NAME for Remove
};
Whiteout classify_whiteout(std::string_view base);

// True for a cleaned path inside aufs's metadata directories (".wh..wh.plnk/...",
// ".wh..wh.orph/..." at the top of the layer): skipped as a whole, as Docker does.
bool in_aufs_metadata(const std::string& path);

}  // namespace stack::engine::image
