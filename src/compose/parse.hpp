// Pass 1: YAML text -> Node, with file/line/column on every node and key.
//
// Built on libyaml's event parser (fast, and it gives marks, tags, scalar style and
// anchors). YAML merge keys are applied here (explicit keys win; of several merged
// maps, earlier ones win) so no later pass ever sees "<<".
#pragma once

#include <string>
#include <string_view>

#include "compose/node.hpp"

namespace stack::compose {

// Parses one YAML document. `filename` is used in marks and errors. An empty
// document gives a Null node. Syntax errors, duplicate keys, non-scalar keys and
// documents that expand past sane limits (alias bombs) throw stack::Error with the
// file, line and column.
Node parse_yaml(std::string_view content, const std::string& filename);

}  // namespace stack::compose
