#include "engine/runtime/namespace_kinds.hpp"

#include "base/error.hpp"

namespace stack::engine::runtime {

int clone_flag_of(const std::string& spec_name) {
  for (const NamespaceKind& kind : kNamespaceKinds)
    if (spec_name == kind.spec_name) return kind.clone_flag;
  throw Error("unknown namespace type \"" + spec_name + "\"");
}

}  // namespace stack::engine::runtime
