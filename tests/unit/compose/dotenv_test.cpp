#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "compose/dotenv.hpp"

using stack::compose::Environment;
using stack::compose::lookup_in;
using stack::compose::parse_dotenv;
using stack::compose::read_dotenv;
using stack::compose::Warnings;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

const Environment kOuter = {{"HOME_DIR", "/home/me"}, {"FROM_ENV", "outer"}, {"EMPTY_ENV", ""}};

Pairs parse(std::string_view text) { return parse_dotenv(text, ".env", lookup_in(kOuter)); }

// The value of the only key in `text`.
std::string value_of(std::string_view text) {
  Pairs pairs = parse(text);
  REQUIRE(pairs.size() == 1);
  return pairs[0].second;
}

}  // namespace

TEST_CASE("dotenv reads KEY=value pairs in file order", "[dotenv]") {
  CHECK(parse("B=2\nA=1\nC=3\n") == Pairs{{"B", "2"}, {"A", "1"}, {"C", "3"}});
}

TEST_CASE("dotenv keeps the last value of a repeated key at its first position", "[dotenv]") {
  CHECK(parse("A=1\nB=2\nA=3\n") == Pairs{{"A", "3"}, {"B", "2"}});
}

TEST_CASE("dotenv skips blank lines, whitespace-only lines and full-line comments", "[dotenv]") {
  CHECK(parse("\n# a comment\n   \n\t# indented comment\nA=1\n\n#B=2\n") == Pairs{{"A", "1"}});
  CHECK(parse("").empty());
  CHECK(parse("# only\n").empty());
}

TEST_CASE("dotenv strips the export prefix", "[dotenv]") {
  CHECK(parse("export A=1\n  export\tB=2\nexport C\n") == Pairs{{"A", "1"}, {"B", "2"}});
  CHECK(parse("exportFOO=1\nexport_BAR=2\nexport=3\n") == Pairs{{"exportFOO", "1"}, {"export_BAR", "2"}, {"export", "3"}});
}

TEST_CASE("dotenv bare KEY inherits from the lookup", "[dotenv]") {
  CHECK(parse("FROM_ENV\nEMPTY_ENV\n") == Pairs{{"FROM_ENV", "outer"}, {"EMPTY_ENV", ""}});
  CHECK(parse("  FROM_ENV  \n") == Pairs{{"FROM_ENV", "outer"}});
  CHECK(parse("FROM_ENV") == Pairs{{"FROM_ENV", "outer"}});  // at the end without a newline
}

TEST_CASE("dotenv bare KEY is dropped when the lookup has nothing", "[dotenv]") {
  CHECK(parse("A=1\nNOT_SET\nB=2\n") == Pairs{{"A", "1"}, {"B", "2"}});
}

TEST_CASE("dotenv KEY= gives an empty value", "[dotenv]") {
  CHECK(parse("A=\nB=   \nC=") == Pairs{{"A", ""}, {"B", ""}, {"C", ""}});
}

TEST_CASE("dotenv trims blanks around the name and the unquoted value", "[dotenv]") {
  CHECK(parse("  A = value with  spaces  \n\tB\t=\tx\t\n") == Pairs{{"A", "value with  spaces"}, {"B", "x"}});
}

TEST_CASE("dotenv unquoted values keep '=' and ':' after the separator", "[dotenv]") {
  CHECK(value_of("URL=postgres://h:5432/db?sslmode=disable") == "postgres://h:5432/db?sslmode=disable");
  CHECK(value_of("A=foobar=") == "foobar=");
}

TEST_CASE("dotenv accepts yaml-style KEY: value like compose", "[dotenv]") {
  CHECK(parse("A: 1\nB: Foo=bar\nC:http://x:80\n") == Pairs{{"A", "1"}, {"B", "Foo=bar"}, {"C", "http://x:80"}});
}

TEST_CASE("dotenv accepts names with dots, dashes, brackets and non-ASCII letters", "[dotenv]") {
  CHECK(parse("a.b=1\na-b=2\na[1]=3\nárvíz=4\n") == Pairs{{"a.b", "1"}, {"a-b", "2"}, {"a[1]", "3"}, {"árvíz", "4"}});
}

TEST_CASE("dotenv unquoted values end at an inline ' #' comment", "[dotenv]") {
  CHECK(value_of("A=bar # this is foo") == "bar");
  CHECK(value_of("A=bar   #comment") == "bar");
}

TEST_CASE("dotenv '#' not preceded by a space is part of an unquoted value", "[dotenv]") {
  CHECK(value_of("A=bar#baz") == "bar#baz");
  CHECK(value_of("A=#notacomment") == "#notacomment");
  // Blanks after '=' are skipped before the value starts, so this '#' opens the value (as compose).
  CHECK(value_of("A= #x") == "#x");
}

TEST_CASE("dotenv single quotes are literal: no expansion, backslashes kept", "[dotenv]") {
  CHECK(value_of("A='quote $FROM_ENV ${HOME_DIR}'") == "quote $FROM_ENV ${HOME_DIR}");
  CHECK(value_of(R"(A='a\nb\t\\c')") == R"(a\nb\t\\c)");
  CHECK(value_of("A='bar#baz' # comment") == "bar#baz");
  CHECK(value_of("A='  padded  '") == "  padded  ");
  CHECK(value_of("A=''") == "");
}

TEST_CASE("dotenv single quotes allow an escaped single quote like compose", "[dotenv]") {
  CHECK(value_of(R"(A='it\'s')") == "it's");
}

TEST_CASE("dotenv double quotes resolve escapes", "[dotenv]") {
  CHECK(value_of(R"(A="a\nb")") == "a\nb");
  CHECK(value_of(R"(A="t\tr\r")") == "t\tr\r");
  CHECK(value_of(R"(A="back\\slash")") == "back\\slash");
  CHECK(value_of(R"(A="say \"hi\"")") == "say \"hi\"");
  CHECK(value_of(R"(A="bell\a\b\f\v")") == "bell\a\b\f\v");
  CHECK(value_of(R"(A="\0101")") == "A");
  CHECK(value_of(R"(A="keep \c and \x")") == R"(keep \c and \x)");
  CHECK(value_of(R"(A="\\n")") == "\\n");
}

TEST_CASE("dotenv double quotes: \\$ is a literal dollar", "[dotenv]") {
  CHECK(value_of(R"(A="foo\$FROM_ENV")") == "foo$FROM_ENV");
  CHECK(value_of(R"(A="foo\${FROM_ENV} ${FROM_ENV}")") == "foo${FROM_ENV} outer");
}

TEST_CASE("dotenv double quotes keep '#' and blanks", "[dotenv]") {
  CHECK(value_of("A=\"bar#baz #bang\" # comment") == "bar#baz #bang");
  CHECK(value_of("A=\"  padded  \"") == "  padded  ");
  CHECK(value_of("A=\"'d'\"") == "'d'");
}

TEST_CASE("dotenv quoted values may span lines", "[dotenv]") {
  CHECK(parse("A=\"first\nsecond\nthird\"\nB='x\ny'\nC=z\n") ==
        Pairs{{"A", "first\nsecond\nthird"}, {"B", "x\ny"}, {"C", "z"}});
}

TEST_CASE("dotenv expands $VAR and ${VAR} in unquoted and double-quoted values", "[dotenv]") {
  CHECK(value_of("A=$HOME_DIR/x") == "/home/me/x");
  CHECK(value_of("A=\"${HOME_DIR}/y\"") == "/home/me/y");
}

TEST_CASE("dotenv expansion uses the full interpolation syntax", "[dotenv]") {
  CHECK(value_of("A=${NOPE:-fallback}") == "fallback");
  CHECK(value_of("A=${EMPTY_ENV-kept}") == "");
  CHECK(value_of("A=${FROM_ENV:+yes}") == "yes");
  CHECK(value_of("A=${NOPE:-${FROM_ENV}}") == "outer");
  CHECK(value_of("A=$$literal") == "$literal");
}

TEST_CASE("dotenv expansion sees earlier variables of the same file before the lookup", "[dotenv]") {
  CHECK(parse("FROM_ENV=inner\nB=${FROM_ENV}\n") == Pairs{{"FROM_ENV", "inner"}, {"B", "inner"}});
  CHECK(parse("A=1\nB=${A}2\nC=\"$B-$A\"\n") == Pairs{{"A", "1"}, {"B", "12"}, {"C", "12-1"}});
}

TEST_CASE("dotenv expansion does not see variables defined later", "[dotenv]") {
  CHECK(parse("B=${A:-unset}\nA=1\n") == Pairs{{"B", "unset"}, {"A", "1"}});
}

TEST_CASE("dotenv expansion of an unset variable gives empty text and a warning", "[dotenv]") {
  Warnings warnings;
  auto pairs = parse_dotenv("A=x${NOPE}y\n", ".env", lookup_in(kOuter), &warnings);
  CHECK(pairs == Pairs{{"A", "xy"}});
  CHECK(warnings == Warnings{"The \"NOPE\" variable is not set. Defaulting to a blank string."});
}

TEST_CASE("dotenv strips a UTF-8 BOM", "[dotenv]") {
  CHECK(parse("\xEF\xBB\xBF" "A=1\n") == Pairs{{"A", "1"}});
}

TEST_CASE("dotenv accepts CRLF line ends", "[dotenv]") {
  CHECK(parse("A=1\r\nB=\"two\r\nlines\"\r\n# c\r\nFROM_ENV\r\nC='x'\r\n") ==
        Pairs{{"A", "1"}, {"B", "two\nlines"}, {"FROM_ENV", "outer"}, {"C", "x"}});
}

TEST_CASE("dotenv rejects a name with a space", "[dotenv]") {
  REQUIRE_THROWS_WITH(parse("A=1\nMY KEY=v\n"), ".env:2: key cannot contain a space");
  REQUIRE_THROWS_WITH(parse("MY KEY\n"), ".env:1: key cannot contain a space");
}

TEST_CASE("dotenv rejects an unexpected character in a name", "[dotenv]") {
  REQUIRE_THROWS_WITH(parse("# c\n\nlol$wut\n"), ".env:3: unexpected character \"$\" in variable name \"lol$wut\"");
  REQUIRE_THROWS_WITH(parse("%!(EXTRA)=foo"), ".env:1: unexpected character \"%\" in variable name \"%!(EXTRA)=foo\"");
  REQUIRE_THROWS_WITH(parse("export A/B=1"), ".env:1: unexpected character \"/\" in variable name \"A/B=1\"");
}

TEST_CASE("dotenv rejects a missing name", "[dotenv]") {
  REQUIRE_THROWS_WITH(parse("=value\n"), ".env:1: missing variable name in \"=value\"");
}

TEST_CASE("dotenv rejects an unterminated quote with the line it starts on", "[dotenv]") {
  REQUIRE_THROWS_WITH(parse("A=1\nB=\"abc\nC=2\n"), ".env:2: unterminated quoted value \"abc");
  REQUIRE_THROWS_WITH(parse("B='abc"), ".env:1: unterminated quoted value 'abc");
  REQUIRE_THROWS_WITH(parse(R"(B="ends with escaped quote\")"), Catch::StartsWith(".env:1: unterminated quoted value"));
}

TEST_CASE("dotenv counts lines of multi-line values in later error lines", "[dotenv]") {
  REQUIRE_THROWS_WITH(parse("A=\"1\n2\n3\"\nB C=x\n"), ".env:4: key cannot contain a space");
}

TEST_CASE("dotenv reports bad interpolation with file and line", "[dotenv]") {
  REQUIRE_THROWS_WITH(parse("A=1\nB=${oops\n"), ".env:2: invalid interpolation format: \"${oops\"");
  REQUIRE_THROWS_WITH(parse("A=${NEED:?please set}\n"), ".env:1: required variable NEED is missing a value: please set");
}

TEST_CASE("read_dotenv reads a file and names its path in errors", "[dotenv]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("stack-dotenv-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path file = dir / "app.env";
  std::ofstream(file) << "A=1\nexport B=\"x y\"\n";
  CHECK(read_dotenv(file.string(), lookup_in(kOuter)) == Pairs{{"A", "1"}, {"B", "x y"}});

  std::ofstream(file) << "A=1\nbad line\n";
  REQUIRE_THROWS_WITH(read_dotenv(file.string(), lookup_in(kOuter)), file.string() + ":2: key cannot contain a space");

  fs::path missing = dir / "missing.env";
  REQUIRE_THROWS_WITH(read_dotenv(missing.string(), lookup_in(kOuter)),
                      "open " + missing.string() + ": no such file or directory");
  fs::remove_all(dir);
}
