// Heredoc markers in an instruction line (`<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`, `<< EOF`),
// as Docker's parser finds them: an unquoted `<<` starting a word (after an optional file
// descriptor), an optional `-`, optional blanks, then the name word. Quoting any part of the
// name (`<<'EOF'`, `<<E"O"F`) turns expansion off; an escaped quote (`<<eo\'f`) does not.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/build/dockerfile.hpp"

namespace stack::engine::build {

// The marker that the whole of `word` is, nullopt when it is none ("<<", "<<<x", "a<<b").
// An unterminated quote in the name throws "quoted heredoc quotes do not match".
std::optional<Heredoc> heredoc_marker(std::string_view word);

// Every marker in `rest` (the instruction text after its flags), in order, bodies empty.
std::vector<Heredoc> heredoc_markers(std::string_view rest);

}  // namespace stack::engine::build
