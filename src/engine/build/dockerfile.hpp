// A Dockerfile parsed into stages of instructions, as Docker's frontend reads it
// (https://docs.docker.com/reference/dockerfile/): parser directives at the very top
// (`# escape=`` `; `# syntax=` and `# check=` ignored), comments, line continuations with
// the escape character, blank and comment lines inside continuations, heredocs (`<<EOF`,
// `<<-EOF`, `<<"EOF"`, several per line) for RUN, COPY and ADD (and an ONBUILD trigger of
// those), exec (JSON array) and shell forms. Instruction keywords are case-insensitive.
// Files: dockerfile_lines (lines, directives, continuations, heredoc bodies),
// dockerfile_instruction (one instruction), dockerfile_flags, dockerfile_heredoc (markers).
//
// Parsing does not expand variables: which words are expanded, and with which ARG/ENV
// values, depends on the build state, so the builder does it (words.hpp). Parsing does
// check what can be checked statically and throws stack::Error with the file and line:
//   "Dockerfile:3: unknown instruction: RUNN"
//   "Dockerfile:5: ENV requires at least one argument"
//   "Dockerfile:1: no FROM instruction before RUN" (only ARG may precede the first FROM)
//   "Dockerfile:7: COPY: unknown flag: --frm"
//   "Dockerfile:2: FROM requires either one or three arguments"
//   "Dockerfile:4: unterminated heredoc EOF" (heredoc errors name the instruction's line)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stack::engine::build {

struct Heredoc {
  std::string name;     // "EOF"
  std::string content;  // the lines up to the terminator, each ending in '\n' (tabs stripped for <<-)
  bool expand = true;   // false when the name was quoted (<<"EOF", <<'EOF'): no variable expansion
  bool chomp = false;   // <<-EOF: leading tabs were stripped from content and terminator
};

struct Instruction {
  std::string keyword;  // upper case: "RUN", "COPY", "ENV", ...
  int line = 0;         // 1-based line of the keyword
  // `--name=value` / `--name` flags given before the arguments, as written but for quotes
  // and `\` escapes, removed as Docker does ("--from=builder", "--chown=app:app",
  // "--chmod=755", "--link", "--interval=5s"). Only the flags an instruction accepts are
  // allowed, values present where needed, once unless repeatable (dockerfile_flags.cpp).
  std::vector<std::string> flags;
  // JSON form: the array's strings. Shell form: a single string, the rest of the
  // instruction after the flags with continuations joined (escape+newline removed) and
  // surrounding whitespace trimmed; ENV/LABEL/ARG also keep their raw text in args[0].
  // FROM alone has its words: ["image"] or ["image", "AS", "name"]. A JSON array holding
  // anything but strings is an error, as in Docker; any other non-array text is shell form.
  std::vector<std::string> args;
  bool json = false;  // the arguments were a JSON array (exec form)
  std::vector<Heredoc> heredocs;  // in the order their markers appear in the line
  // HEALTHCHECK and ONBUILD: the instruction that follows (HEALTHCHECK CMD ..., ONBUILD RUN
  // ...), parsed the same way; HEALTHCHECK NONE has keyword "NONE" here. Their own args are
  // empty; HEALTHCHECK's options are its flags; an ONBUILD trigger's heredocs are in sub[0].
  // HEALTHCHECK CMD's text is never taken for flags ("CMD --x" is a command).
  std::vector<Instruction> sub;
  std::string original;  // the instruction as written, continuations joined, for messages and history
};

struct Stage {
  std::string base;      // FROM's image argument, unexpanded ("debian:${VERSION}")
  std::string name;      // AS name, lower-cased; "" when none
  std::string platform;  // --platform value, unexpanded; "" when none
  int line = 0;          // line of the FROM
  std::vector<Instruction> instructions;  // after the FROM, up to the next FROM
};

struct Dockerfile {
  char escape = '\\';
  std::vector<Instruction> global_args;  // ARG instructions before the first FROM
  std::vector<Stage> stages;             // at least one
};

// `name` is what errors call the file ("Dockerfile", "app/Dockerfile.dev").
Dockerfile parse_dockerfile(std::string_view text, const std::string& name);

// The heredoc that a word of a COPY/ADD/RUN shell form stands for ("<<EOF", "<<-'EOF'",
// "3<<EOF"), nullptr when the word is no heredoc marker (a path). Give it the raw words
// (split_words of args[0], words.hpp), before expansion removes the marker's quotes.
const Heredoc* heredoc_of_word(const Instruction& ins, std::string_view raw_word);

}  // namespace stack::engine::build
