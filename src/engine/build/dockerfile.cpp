// The driver: lines (dockerfile_lines) -> instructions (dockerfile_instruction) -> stages.
#include "engine/build/dockerfile.hpp"

#include "base/error.hpp"
#include "base/strings.hpp"
#include "engine/build/dockerfile_flags.hpp"
#include "engine/build/dockerfile_instruction.hpp"
#include "engine/build/dockerfile_lines.hpp"

namespace stack::engine::build {
namespace {

Instruction parse_located(const LogicalLine& l, char escape, const std::string& name) {
  try {
    return parse_instruction(l.text, l.line, escape);
  } catch (const Error& e) {
    fail_at(name, l.line, e.what());
  }
}

// The bodies of the heredocs the instruction line announced, in marker order.
void read_heredocs(DockerfileLines& lines, Instruction& ins, const std::string& name) {
  for (Heredoc& doc : heredoc_owner(ins).heredocs) {
    if (!lines.read_heredoc(doc)) fail_at(name, ins.line, "unterminated heredoc " + doc.name);
  }
}

Stage stage_of(const Instruction& from, const Dockerfile& df, const std::string& name) {
  Stage stage;
  stage.base = from.args[0];
  stage.name = from.args.size() == 3 ? base::to_lower(from.args[2]) : "";
  stage.platform = flag_value(from.flags, "platform");
  stage.line = from.line;
  for (const Stage& other : df.stages) {
    if (!stage.name.empty() && other.name == stage.name) {
      fail_at(name, from.line, "duplicate stage name \"" + stage.name + "\"");
    }
  }
  return stage;
}

void add(Dockerfile& df, Instruction ins, const std::string& name) {
  if (ins.keyword == "FROM") {
    df.stages.push_back(stage_of(ins, df, name));
  } else if (!df.stages.empty()) {
    df.stages.back().instructions.push_back(std::move(ins));
  } else if (ins.keyword == "ARG") {
    df.global_args.push_back(std::move(ins));
  } else {
    fail_at(name, ins.line, "no FROM instruction before " + ins.keyword);
  }
}

}  // namespace

Dockerfile parse_dockerfile(std::string_view text, const std::string& name) {
  DockerfileLines lines(text, name);
  Dockerfile df;
  df.escape = lines.read_directives();
  int last = 0;
  while (auto l = lines.next_instruction(df.escape)) {
    Instruction ins = parse_located(*l, df.escape, name);
    read_heredocs(lines, ins, name);
    last = ins.line;
    add(df, std::move(ins), name);
  }
  if (last == 0) fail_at(name, std::max(lines.line(), 1), "file with no instructions");
  if (df.stages.empty()) fail_at(name, last, "no FROM instruction");
  return df;
}

}  // namespace stack::engine::build
