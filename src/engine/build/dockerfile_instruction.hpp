// One instruction line of a Dockerfile parsed into an Instruction (dockerfile.hpp): keyword,
// flags checked against what the instruction accepts, exec or shell form, argument counts,
// heredoc markers (their bodies are read by the caller, which owns the lines).
#pragma once

#include <string_view>

#include "engine/build/dockerfile.hpp"

namespace stack::engine::build {

// Throws stack::Error with the bare message ("unknown instruction: RUNN"); the caller adds
// the file and line.
Instruction parse_instruction(std::string_view text, int line, char escape);

// The instruction whose heredocs follow the line: the ONBUILD trigger for ONBUILD, else `ins`.
Instruction& heredoc_owner(Instruction& ins);

}  // namespace stack::engine::build
