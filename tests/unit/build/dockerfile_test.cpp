#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "engine/build/dockerfile.hpp"

using namespace stack::engine::build;
using Strings = std::vector<std::string>;

namespace {

Dockerfile parse(std::string_view text) { return parse_dockerfile(text, "Dockerfile"); }

// The instructions of the only stage of `text`.
std::vector<Instruction> steps(std::string_view text) {
  Dockerfile df = parse(text);
  REQUIRE(df.stages.size() == 1);
  return df.stages[0].instructions;
}

Instruction one(std::string_view line) {
  std::vector<Instruction> all = steps("FROM busybox\n" + std::string(line) + "\n");
  REQUIRE(all.size() == 1);
  return all[0];
}

std::string error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const stack::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("FROM makes stages with base image lower-cased AS name and platform", "[build]") {
  Dockerfile df = parse(
      "FROM --platform=linux/amd64 golang:1.22 AS Build\n"
      "RUN go build\n"
      "from busybox\n"
      "COPY --from=build /out /bin/app\n");
  REQUIRE(df.stages.size() == 2);
  CHECK(df.stages[0].base == "golang:1.22");
  CHECK(df.stages[0].name == "build");
  CHECK(df.stages[0].platform == "linux/amd64");
  CHECK(df.stages[0].line == 1);
  CHECK(df.stages[0].instructions.size() == 1);
  CHECK(df.stages[1].base == "busybox");
  CHECK(df.stages[1].name == "");
  CHECK(df.stages[1].line == 3);
  CHECK(df.stages[1].instructions[0].flags == Strings{"--from=build"});
  CHECK(df.escape == '\\');
}

TEST_CASE("ARG before the first FROM is global and FROM keeps variables unexpanded", "[build]") {
  Dockerfile df = parse("ARG VERSION=3.19\nARG OTHER\nFROM alpine:${VERSION}\nARG VERSION\n");
  REQUIRE(df.global_args.size() == 2);
  CHECK(df.global_args[0].args == Strings{"VERSION=3.19"});
  CHECK(df.global_args[1].line == 2);
  CHECK(df.stages[0].base == "alpine:${VERSION}");
  CHECK(df.stages[0].instructions[0].keyword == "ARG");
}

TEST_CASE("keywords are case-insensitive and reported upper case with their line", "[build]") {
  auto all = steps("FROM x\nrun echo 1\n  Env A=1\n\nWorkDir /app\n");
  REQUIRE(all.size() == 3);
  CHECK(all[0].keyword == "RUN");
  CHECK(all[0].line == 2);
  CHECK(all[1].keyword == "ENV");
  CHECK(all[1].line == 3);
  CHECK(all[2].keyword == "WORKDIR");
  CHECK(all[2].line == 5);
}

TEST_CASE("RUN CMD and ENTRYPOINT take a JSON array as exec form and anything else as shell form", "[build]") {
  Instruction run = one("RUN [\"echo\", \"a b\"]");
  CHECK(run.json);
  CHECK(run.args == Strings{"echo", "a b"});
  Instruction shell = one("RUN   echo \"a b\"  ");
  CHECK_FALSE(shell.json);
  CHECK(shell.args == Strings{"echo \"a b\""});
  CHECK(one("CMD [\"sh\", \"-c\", \"echo $HOME\"]").args == Strings{"sh", "-c", "echo $HOME"});
  CHECK_FALSE(one("CMD [not json]").json);
  CHECK(one("CMD [not json]").args == Strings{"[not json]"});
  CHECK_FALSE(one("ENTRYPOINT [\"a\"] trailing").json);
  CHECK(one("ENTRYPOINT []").json);
  CHECK(one("ENTRYPOINT []").args.empty());
  CHECK(one("CMD [\"unicode \\u00e9\"]").args == Strings{"unicode \xC3\xA9"});
}

TEST_CASE("RUN CMD and ENTRYPOINT without a command are errors but an empty exec form clears", "[build]") {
  CHECK(error_of("FROM x\nRUN\n") == "Dockerfile:2: RUN requires at least one argument");
  CHECK(error_of("FROM x\nRUN --network=none\n") == "Dockerfile:2: RUN requires at least one argument");
  CHECK(error_of("FROM x\nRUN []\n") == "Dockerfile:2: RUN requires at least one argument");
  CHECK(error_of("FROM x\nCMD\n") == "Dockerfile:2: CMD requires at least one argument");
  CHECK(error_of("FROM x\nENTRYPOINT  \n") == "Dockerfile:2: ENTRYPOINT requires at least one argument");
  CHECK(one("CMD []").json);
}

TEST_CASE("a JSON array with non-string items is an error as in Docker", "[build]") {
  CHECK(error_of("FROM x\nCMD [\"a\", 1]\n") ==
        "Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only");
}

TEST_CASE("SHELL must be a non-empty JSON array", "[build]") {
  Instruction shell = one("SHELL [\"/bin/bash\", \"-c\"]");
  CHECK(shell.json);
  CHECK(shell.args == Strings{"/bin/bash", "-c"});
  CHECK(error_of("FROM x\nSHELL /bin/bash -c\n") == "Dockerfile:2: SHELL requires the arguments to be in JSON form");
  CHECK(error_of("FROM x\nSHELL []\n") == "Dockerfile:2: SHELL requires at least one argument");
}

TEST_CASE("COPY and ADD take flags before sources and destination in both forms", "[build]") {
  Instruction copy = one("COPY --chown=app:app --chmod=755 --link a b /dst/");
  CHECK(copy.flags == Strings{"--chown=app:app", "--chmod=755", "--link"});
  CHECK(copy.args == Strings{"a b /dst/"});
  CHECK_FALSE(copy.json);
  Instruction json = one("COPY [\"a file\", \"/dst/\"]");
  CHECK(json.json);
  CHECK(json.args == Strings{"a file", "/dst/"});
  Instruction add = one("ADD --checksum=sha256:abc --keep-git-dir=true --exclude=*.md --exclude=x src /d");
  CHECK(add.flags.size() == 4);
  CHECK(one("COPY --parents --exclude=a --from=img:1 a /d").flags.size() == 3);
  CHECK(one("COPY \"--quoted=a b\" x").args == Strings{"\"--quoted=a b\" x"});
}

TEST_CASE("flags are checked against those the instruction accepts", "[build]") {
  CHECK(error_of("FROM x\nCOPY --frm=a b c\n") == "Dockerfile:2: COPY: unknown flag: --frm");
  CHECK(error_of("FROM x\nADD --from=a b c\n") == "Dockerfile:2: ADD: unknown flag: --from");
  CHECK(error_of("FROM x\nWORKDIR --x=1 /a\n") == "Dockerfile:2: WORKDIR: unknown flag: --x");
  CHECK(error_of("FROM x\nCOPY --from a b\n") == "Dockerfile:2: COPY: missing a value on flag: --from");
  CHECK(error_of("FROM x\nCOPY --link=maybe a b\n") ==
        "Dockerfile:2: COPY: expecting boolean value for flag --link, not: maybe");
  CHECK(error_of("FROM x\nCOPY --from=a --from=b c d\n") == "Dockerfile:2: COPY: duplicate flag specified: --from");
  CHECK(error_of("FROM --plat=x y\n") == "Dockerfile:1: FROM: unknown flag: --plat");
}

TEST_CASE("RUN accepts mount network and security flags and repeated mounts", "[build]") {
  Instruction run = one("RUN --mount=type=cache,target=/root/.cache --mount=type=tmpfs,target=/t --network=none echo");
  CHECK(run.flags ==
        Strings{"--mount=type=cache,target=/root/.cache", "--mount=type=tmpfs,target=/t", "--network=none"});
  CHECK(run.args == Strings{"echo"});
  CHECK(one("RUN --security=insecure -- --not-a-flag").args == Strings{"--not-a-flag"});
}

TEST_CASE("COPY and ADD need a destination and never a heredoc as it", "[build]") {
  CHECK(error_of("FROM x\nCOPY onlyone\n") ==
        "Dockerfile:2: COPY requires at least two arguments, but only one was provided. Destination could not be "
        "determined");
  CHECK(error_of("FROM x\nADD [\"a\"]\n").find("ADD requires at least two arguments") != std::string::npos);
  CHECK(error_of("FROM x\nCOPY a <<EOF\nx\nEOF\n") == "Dockerfile:2: COPY cannot accept a heredoc as a destination");
}

TEST_CASE("ENV LABEL and ARG keep their raw text and are checked for bad pairs", "[build]") {
  CHECK(one("ENV A=1 B=\"two words\"").args == Strings{"A=1 B=\"two words\""});
  CHECK(one("ENV LEGACY some value").args == Strings{"LEGACY some value"});
  CHECK(one("LABEL \"com.x\"=1 version=2").args == Strings{"\"com.x\"=1 version=2"});
  CHECK(one("ARG A B=2").args == Strings{"A B=2"});
  CHECK(error_of("FROM x\nENV =1\n") == "Dockerfile:2: ENV names can not be blank");
  CHECK(error_of("FROM x\nLABEL a=1 b\n") ==
        "Dockerfile:2: Syntax error - can't find = in \"b\". Must be of the form: name=value");
  CHECK(error_of("FROM x\nENV ALONE\n") == "Dockerfile:2: ENV must have two arguments");
  CHECK(error_of("FROM x\nENV\n") == "Dockerfile:2: ENV requires at least one argument");
  CHECK(error_of("FROM x\nLABEL\n") == "Dockerfile:2: LABEL requires at least one argument");
  CHECK(error_of("FROM x\nARG\n") == "Dockerfile:2: ARG requires at least one argument");
  CHECK(error_of("FROM x\nARG A =b\n") == "Dockerfile:2: ARG names can not be blank");
}

TEST_CASE("single-argument instructions keep their text and need one", "[build]") {
  CHECK(one("WORKDIR /app/${DIR}").args == Strings{"/app/${DIR}"});
  CHECK(one("USER app:app").args == Strings{"app:app"});
  CHECK(one("STOPSIGNAL SIGTERM").args == Strings{"SIGTERM"});
  CHECK(one("MAINTAINER Jane Doe <j@x>").args == Strings{"Jane Doe <j@x>"});
  CHECK(error_of("FROM x\nWORKDIR\n") == "Dockerfile:2: WORKDIR requires exactly one argument");
  CHECK(error_of("FROM x\nUSER  \n") == "Dockerfile:2: USER requires exactly one argument");
  CHECK(error_of("FROM x\nSTOPSIGNAL\n") == "Dockerfile:2: STOPSIGNAL requires exactly one argument");
  CHECK(error_of("FROM x\nMAINTAINER\n") == "Dockerfile:2: MAINTAINER requires exactly one argument");
}

TEST_CASE("EXPOSE and VOLUME take one or more values", "[build]") {
  CHECK(one("EXPOSE 80/tcp 443").args == Strings{"80/tcp 443"});
  CHECK(one("VOLUME /data /logs").args == Strings{"/data /logs"});
  Instruction json = one("VOLUME [\"/data\", \"/my logs\"]");
  CHECK(json.json);
  CHECK(json.args == Strings{"/data", "/my logs"});
  CHECK(error_of("FROM x\nEXPOSE\n") == "Dockerfile:2: EXPOSE requires at least one argument");
  CHECK(error_of("FROM x\nVOLUME\n") == "Dockerfile:2: VOLUME requires at least one argument");
  CHECK(error_of("FROM x\nVOLUME [\"/a\", \" \"]\n") == "Dockerfile:2: VOLUME specified can not be an empty string");
}

TEST_CASE("HEALTHCHECK keeps its options as flags and the check as a sub instruction", "[build]") {
  Instruction hc = one("HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --start-interval=1s --retries=3 \\\n"
                       "  CMD curl -f http://localhost/ || exit 1");
  CHECK(hc.flags.size() == 5);
  REQUIRE(hc.sub.size() == 1);
  CHECK(hc.sub[0].keyword == "CMD");
  CHECK_FALSE(hc.sub[0].json);
  CHECK(hc.sub[0].args == Strings{"curl -f http://localhost/ || exit 1"});
  Instruction exec = one("HEALTHCHECK cmd [\"/bin/check\", \"--deep\"]");
  CHECK(exec.sub[0].json);
  CHECK(exec.sub[0].args == Strings{"/bin/check", "--deep"});
  CHECK(one("HEALTHCHECK CMD --version").sub[0].args == Strings{"--version"});
  Instruction none = one("HEALTHCHECK NONE");
  REQUIRE(none.sub.size() == 1);
  CHECK(none.sub[0].keyword == "NONE");
}

TEST_CASE("HEALTHCHECK errors name what is wrong", "[build]") {
  CHECK(error_of("FROM x\nHEALTHCHECK\n") == "Dockerfile:2: HEALTHCHECK requires at least one argument");
  CHECK(error_of("FROM x\nHEALTHCHECK NONE x\n") == "Dockerfile:2: HEALTHCHECK NONE takes no arguments");
  CHECK(error_of("FROM x\nHEALTHCHECK CMD\n") == "Dockerfile:2: Missing command after HEALTHCHECK CMD");
  CHECK(error_of("FROM x\nHEALTHCHECK RUN x\n") == "Dockerfile:2: Unknown type \"RUN\" in HEALTHCHECK (try CMD)");
  CHECK(error_of("FROM x\nHEALTHCHECK --retries=0 CMD x\n") == "Dockerfile:2: --retries must be at least 1 (not 0)");
  CHECK(error_of("FROM x\nHEALTHCHECK --every=1s CMD x\n") == "Dockerfile:2: HEALTHCHECK: unknown flag: --every");
  CHECK(error_of("FROM x\nHEALTHCHECK --interval=5 CMD x\n") ==
        "Dockerfile:2: HEALTHCHECK --interval: missing unit in duration \"5\"");
  CHECK(error_of("FROM x\nHEALTHCHECK --timeout=0s CMD x\n") ==
        "Dockerfile:2: Interval \"timeout\" cannot be less than 1ms");
  CHECK(error_of("FROM x\nHEALTHCHECK --retries=x CMD x\n") == "Dockerfile:2: HEALTHCHECK: --retries is not a number: x");
}

TEST_CASE("ONBUILD parses its trigger as an instruction and refuses some", "[build]") {
  Instruction ob = one("ONBUILD COPY --chown=1:1 . /app");
  CHECK(ob.keyword == "ONBUILD");
  CHECK(ob.args.empty());
  REQUIRE(ob.sub.size() == 1);
  CHECK(ob.sub[0].keyword == "COPY");
  CHECK(ob.sub[0].flags == Strings{"--chown=1:1"});
  CHECK(ob.sub[0].args == Strings{". /app"});
  CHECK(one("onbuild run [\"x\"]").sub[0].json);
  CHECK(error_of("FROM x\nONBUILD ONBUILD RUN x\n") ==
        "Dockerfile:2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  CHECK(error_of("FROM x\nONBUILD from y\n") == "Dockerfile:2: FROM isn't allowed as an ONBUILD trigger");
  CHECK(error_of("FROM x\nONBUILD MAINTAINER me\n") == "Dockerfile:2: MAINTAINER isn't allowed as an ONBUILD trigger");
  CHECK(error_of("FROM x\nONBUILD\n") == "Dockerfile:2: ONBUILD requires at least one argument");
  CHECK(error_of("FROM x\nONBUILD RUNN y\n") == "Dockerfile:2: unknown instruction: RUNN");
}

TEST_CASE("continuations join lines and skip comment and blank lines inside", "[build]") {
  auto all = steps(
      "FROM x\n"
      "RUN apt-get update && \\\n"
      "    # a comment inside\n"
      "\n"
      "    apt-get install -y curl \\  \n"
      "    && echo done\n"
      "ENV A=1\n");
  REQUIRE(all.size() == 2);
  CHECK(all[0].line == 2);
  CHECK(all[0].args == Strings{"apt-get update &&     apt-get install -y curl     && echo done"});
  CHECK(all[0].original == "RUN apt-get update &&     apt-get install -y curl     && echo done");
  CHECK(all[1].line == 7);
}

TEST_CASE("an escaped escape at the end of a line is no continuation", "[build]") {
  auto all = steps("FROM x\nRUN echo a\\\\\nRUN echo b\n");
  REQUIRE(all.size() == 2);
  CHECK(all[0].args == Strings{"echo a\\\\"});
}

TEST_CASE("a continuation at the end of the file ends the instruction", "[build]") {
  auto all = steps("FROM x\nRUN echo \\\n");
  REQUIRE(all.size() == 1);
  CHECK(all[0].args == Strings{"echo"});
}

TEST_CASE("comments and blank lines are skipped and CRLF line ends accepted", "[build]") {
  auto all = steps("# top comment\r\n\r\nFROM x\r\n  # indented comment\r\nRUN a\r\n");
  REQUIRE(all.size() == 1);
  CHECK(all[0].args == Strings{"a"});
  CHECK(all[0].line == 5);
}

TEST_CASE("the escape directive makes backtick the continuation and escape character", "[build]") {
  Dockerfile df = parse(
      "# escape=`\n"
      "FROM mcr.microsoft.com/windows\n"
      "COPY testfile.txt c:\\\n"
      "RUN dir c:\\ `\n"
      "    && echo ok\n");
  CHECK(df.escape == '`');
  auto& all = df.stages[0].instructions;
  REQUIRE(all.size() == 2);
  CHECK(all[0].args == Strings{"testfile.txt c:\\"});
  CHECK(all[1].args == Strings{"dir c:\\     && echo ok"});
  CHECK(all[1].line == 4);
}

TEST_CASE("parser directives count only at the very top", "[build]") {
  Dockerfile df = parse("# syntax=docker/dockerfile:1\n#escape = `\nFROM x\n");
  CHECK(df.escape == '`');
  CHECK(parse("# a comment\n# escape=`\nFROM x\n").escape == '\\');
  CHECK(parse("FROM x\n# escape=`\n").escape == '\\');
  CHECK(parse("\n# escape=`\nFROM x\n").escape == '\\');
  CHECK(error_of("# escape=`\n# escape=\\\nFROM x\n") == "Dockerfile:2: only one escape parser directive can be used");
  CHECK(error_of("# escape=x\nFROM x\n") == "Dockerfile:1: invalid escape token 'x' does not match ` or \\");
}

TEST_CASE("RUN heredocs read the lines up to the terminator", "[build]") {
  auto all = steps(
      "FROM x\n"
      "RUN <<EOF\n"
      "echo $HOME\n"
      "  indented\n"
      "EOF\n"
      "RUN echo after\n");
  REQUIRE(all.size() == 2);
  CHECK(all[0].args == Strings{"<<EOF"});
  REQUIRE(all[0].heredocs.size() == 1);
  CHECK(all[0].heredocs[0].name == "EOF");
  CHECK(all[0].heredocs[0].content == "echo $HOME\n  indented\n");
  CHECK(all[0].heredocs[0].expand);
  CHECK(all[1].line == 6);
}

TEST_CASE("dash heredocs strip leading tabs and quoted names turn expansion off", "[build]") {
  auto all = steps(
      "FROM x\n"
      "RUN <<-'END' sh\n"
      "\tline one\n"
      "\t\tline two\n"
      "\tEND\n"
      "COPY <<\"A\" /a\n"
      "$NOT_EXPANDED\n"
      "A\n");
  REQUIRE(all.size() == 2);
  CHECK(all[0].heredocs[0].name == "END");
  CHECK(all[0].heredocs[0].chomp);
  CHECK_FALSE(all[0].heredocs[0].expand);
  CHECK(all[0].heredocs[0].content == "line one\nline two\n");
  CHECK(all[1].heredocs[0].content == "$NOT_EXPANDED\n");
  CHECK_FALSE(all[1].heredocs[0].expand);
}

TEST_CASE("several heredocs on one line are read in order", "[build]") {
  auto all = steps(
      "FROM x\n"
      "COPY <<one <<two /dst/\n"
      "first\n"
      "one\n"
      "second\n"
      "two\n"
      "RUN 3<<A cat /dev/fd/3\n"
      "fd\n"
      "A\n");
  REQUIRE(all.size() == 2);
  REQUIRE(all[0].heredocs.size() == 2);
  CHECK(all[0].heredocs[0].name == "one");
  CHECK(all[0].heredocs[0].content == "first\n");
  CHECK(all[0].heredocs[1].name == "two");
  CHECK(all[0].heredocs[1].content == "second\n");
  CHECK(all[1].heredocs[0].content == "fd\n");
  CHECK(all[1].line == 7);
}

TEST_CASE("heredoc_of_word finds the heredoc a raw source word stands for", "[build]") {
  auto all = steps("FROM x\nCOPY <<-\"A\" b <<C /d/\n\tx\n\tA\ny\nC\n");
  REQUIRE(all.size() == 1);
  const Instruction& copy = all[0];
  REQUIRE(heredoc_of_word(copy, "<<-\"A\"") != nullptr);
  CHECK(heredoc_of_word(copy, "<<-\"A\"")->content == "x\n");
  CHECK(heredoc_of_word(copy, "<<C")->content == "y\n");
  CHECK(heredoc_of_word(copy, "b") == nullptr);
  CHECK(heredoc_of_word(copy, "<<Z") == nullptr);
  CHECK(heredoc_of_word(copy, "/d/") == nullptr);
}

TEST_CASE("heredoc names follow Docker: blanks after the marker, partial quotes, dots", "[build]") {
  auto all = steps(
      "FROM x\n"
      "RUN << EOF > out\n"
      "a\n"
      "EOF\n"
      "RUN <<eo'f'\n"
      "b\n"
      "eof\n"
      "RUN <<eo\\'f\n"
      "c\n"
      "eo'f\n"
      "RUN <<'one two' python3\n"
      "d\n"
      "one two\n"
      "COPY <<file.txt /dst\n"
      "e\n"
      "file.txt\n"
      "RUN cat <<<here <<-  T\n"
      "\tf\n"
      "\t\tT\n");
  REQUIRE(all.size() == 6);
  CHECK(all[0].heredocs[0].name == "EOF");
  CHECK(all[0].heredocs[0].content == "a\n");
  CHECK(all[1].heredocs[0].name == "eof");
  CHECK_FALSE(all[1].heredocs[0].expand);
  CHECK(all[2].heredocs[0].name == "eo'f");
  CHECK(all[2].heredocs[0].expand);
  CHECK(all[3].heredocs[0].name == "one two");
  CHECK(all[3].heredocs[0].content == "d\n");
  CHECK(all[4].heredocs[0].name == "file.txt");
  REQUIRE(all[5].heredocs.size() == 1);
  CHECK(all[5].heredocs[0].name == "T");
  CHECK(all[5].heredocs[0].content == "f\n");
  CHECK(all[5].line == 17);
}

TEST_CASE("heredoc markers count only in the shell form of RUN COPY and ADD", "[build]") {
  CHECK(one("RUN [\"cat\", \"<<EOF\"]").heredocs.empty());
  CHECK(one("RUN echo '<<EOF'").heredocs.empty());
  CHECK(one("RUN echo a<<b").heredocs.empty());
  CHECK(one("RUN echo \"x <<EOF\"").heredocs.empty());
  CHECK(one("RUN echo x <<").heredocs.empty());
  auto all = steps("FROM x\nONBUILD RUN <<EOF\nhi\nEOF\n");
  REQUIRE(all.size() == 1);
  CHECK(all[0].heredocs.empty());
  REQUIRE(all[0].sub[0].heredocs.size() == 1);
  CHECK(all[0].sub[0].heredocs[0].content == "hi\n");
}

TEST_CASE("an unterminated heredoc and mismatched quotes are errors at the instruction", "[build]") {
  CHECK(error_of("FROM x\nRUN <<EOF\nno end\n") == "Dockerfile:2: unterminated heredoc EOF");
  CHECK(error_of("FROM x\nRUN <<\"EOF'\nx\nEOF\n") == "Dockerfile:2: quoted heredoc quotes do not match");
  CHECK(error_of("FROM x\nRUN <<EOF'\nx\nEOF\n") == "Dockerfile:2: quoted heredoc quotes do not match");
}

TEST_CASE("unknown instructions and missing FROM are errors with the line", "[build]") {
  CHECK(error_of("FROM x\n\nRUNN echo\n") == "Dockerfile:3: unknown instruction: RUNN");
  CHECK(error_of("RUN echo\n") == "Dockerfile:1: no FROM instruction before RUN");
  CHECK(error_of("ARG A\nENV B=1\nFROM x\n") == "Dockerfile:2: no FROM instruction before ENV");
  CHECK(error_of("ARG A\n") == "Dockerfile:1: no FROM instruction");
  CHECK(error_of("# only a comment\n\n") == "Dockerfile:2: file with no instructions");
  CHECK(error_of("") == "Dockerfile:1: file with no instructions");
}

TEST_CASE("FROM argument and stage name errors", "[build]") {
  CHECK(error_of("FROM\n") == "Dockerfile:1: FROM requires either one or three arguments");
  CHECK(error_of("FROM a b\n") == "Dockerfile:1: FROM requires either one or three arguments");
  CHECK(error_of("FROM a FOR b\n") == "Dockerfile:1: FROM requires either one or three arguments");
  CHECK(error_of("FROM a AS 1st\n") ==
        "Dockerfile:1: invalid name for build stage: \"1st\", name can't start with a number or contain symbols");
  CHECK(error_of("FROM a AS x\nFROM b AS X\n") == "Dockerfile:2: duplicate stage name \"x\"");
  CHECK(parse("FROM a as my-stage_1.0\n").stages[0].name == "my-stage_1.0");
}

TEST_CASE("errors carry the file name given", "[build]") {
  CHECK_THROWS_WITH(parse_dockerfile("FROM x\nBAD\n", "app/Dockerfile.dev"), "app/Dockerfile.dev:2: unknown instruction: BAD");
}

TEST_CASE("a byte order mark before the first line is ignored", "[build]") {
  CHECK(parse("\xEF\xBB\xBF" "FROM x\n").stages[0].base == "x");
}

TEST_CASE("every instruction parses in a full Dockerfile", "[build]") {
  Dockerfile df = parse(
      "ARG BASE=busybox\n"
      "FROM ${BASE} AS base\n"
      "MAINTAINER someone\n"
      "LABEL a=b\n"
      "ENV PATH=/bin\n"
      "ARG X=1\n"
      "WORKDIR /w\n"
      "USER 1000\n"
      "RUN true\n"
      "COPY a /b\n"
      "ADD c /d\n"
      "EXPOSE 80\n"
      "VOLUME /v\n"
      "SHELL [\"/bin/sh\", \"-c\"]\n"
      "STOPSIGNAL SIGINT\n"
      "HEALTHCHECK NONE\n"
      "ONBUILD RUN x\n"
      "ENTRYPOINT [\"/e\"]\n"
      "CMD [\"c\"]\n");
  Strings keywords;
  for (const Instruction& i : df.stages[0].instructions) keywords.push_back(i.keyword);
  CHECK(keywords == Strings{"MAINTAINER", "LABEL", "ENV", "ARG", "WORKDIR", "USER", "RUN", "COPY", "ADD", "EXPOSE",
                            "VOLUME", "SHELL", "STOPSIGNAL", "HEALTHCHECK", "ONBUILD", "ENTRYPOINT", "CMD"});
}
