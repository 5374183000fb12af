#include <catch2/catch.hpp>

#include <map>

#include "base/error.hpp"
#include "engine/build/words.hpp"

using namespace stack::engine::build;
using Words = std::vector<std::string>;

namespace {

// A lookup over fixed variables: EMPTY is set and empty, UNSET is not set.
Lookup vars(std::map<std::string, std::string> values = {{"A", "a"}, {"EMPTY", ""}, {"SP", "d e"}, {"P", "/usr/local/bin.tar.gz"}}) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string expand(std::string_view word, char escape = '\\') { return expand_word(word, vars(), escape); }

}  // namespace

TEST_CASE("expand_word substitutes $VAR and ${VAR} and leaves plain text alone", "[build]") {
  CHECK(expand("plain") == "plain");
  CHECK(expand("$A") == "a");
  CHECK(expand("${A}") == "a");
  CHECK(expand("x${A}y") == "xay");
  CHECK(expand("$A-b") == "a-b");
  CHECK(expand("$UNSET") == "");
  CHECK(expand("${UNSET}z") == "z");
}

TEST_CASE("a dollar sign not followed by a name stays literal", "[build]") {
  CHECK(expand("$") == "$");
  CHECK(expand("a$ b") == "a$ b");
  CHECK(expand("100%$") == "100%$");
  CHECK(expand("$/x") == "$/x");
}

TEST_CASE("shell parameters like $1 $@ and $$ are unset names as in Docker", "[build]") {
  CHECK(expand("x$1y") == "xy");
  CHECK(expand("$@") == "");
  CHECK(expand("a$$b") == "ab");
}

TEST_CASE("dash and plus operators tell unset from empty only without the colon", "[build]") {
  CHECK(expand("${A:-d}") == "a");
  CHECK(expand("${UNSET:-d}") == "d");
  CHECK(expand("${EMPTY:-d}") == "d");
  CHECK(expand("${EMPTY-d}") == "");
  CHECK(expand("${UNSET-d}") == "d");
  CHECK(expand("${A:+alt}") == "alt");
  CHECK(expand("${EMPTY:+alt}") == "");
  CHECK(expand("${EMPTY+alt}") == "alt");
  CHECK(expand("${UNSET+alt}") == "");
}

TEST_CASE("operator words are themselves expanded and may be quoted", "[build]") {
  CHECK(expand("${UNSET:-$A}") == "a");
  CHECK(expand("${UNSET:-${EMPTY:-deep}}") == "deep");
  CHECK(expand("${UNSET:-'a b'}") == "a b");
  CHECK(expand("${UNSET:-x\\}y}") == "x}y");
}

TEST_CASE("question mark operators fail with the variable name and message", "[build]") {
  CHECK(expand("${A:?must}") == "a");
  CHECK(expand("${EMPTY?must}") == "");
  CHECK_THROWS_WITH(expand("${UNSET:?must be set}"), Catch::Contains("UNSET: must be set"));
  CHECK_THROWS_WITH(expand("${EMPTY:?}"), Catch::Contains("EMPTY: is not allowed to be empty"));
  CHECK_THROWS_WITH(expand("${UNSET?}"), Catch::Contains("UNSET: is not allowed to be unset"));
  CHECK_THROWS_WITH(expand("${UNSET?x}"), Catch::StartsWith("failed to process \"${UNSET?x}\": UNSET: x"));
}

TEST_CASE("prefix and suffix removal use the shortest or longest match", "[build]") {
  CHECK(expand("${P#*/}") == "usr/local/bin.tar.gz");
  CHECK(expand("${P##*/}") == "bin.tar.gz");
  CHECK(expand("${P%.*}") == "/usr/local/bin.tar");
  CHECK(expand("${P%%.*}") == "/usr/local/bin");
  CHECK(expand("${P#nomatch}") == "/usr/local/bin.tar.gz");
  CHECK(expand("${P%?z}") == "/usr/local/bin.tar.");
}

TEST_CASE("pattern replacement replaces the first or every match", "[build]") {
  CHECK(expand("${P/\\//:}") == ":usr/local/bin.tar.gz");
  CHECK(expand("${P//\\//:}") == ":usr:local:bin.tar.gz");
  CHECK(expand("${A/a/b}") == "b");
  CHECK(expand("${A/z/b}") == "a");
}

TEST_CASE("malformed substitutions throw naming the word", "[build]") {
  CHECK_THROWS_AS(expand("${A"), stack::Error);
  CHECK_THROWS_WITH(expand("${A"), "failed to process \"${A\": syntax error: missing '}'");
  CHECK_THROWS_WITH(expand("${"), Catch::Contains("missing '}'"));
  CHECK_THROWS_WITH(expand("${A:-x"), Catch::Contains("missing '}'"));
  CHECK_THROWS_WITH(expand("${}"), Catch::Contains("bad substitution"));
  CHECK_THROWS_WITH(expand("${:-x}"), Catch::Contains("bad substitution"));
  CHECK_THROWS_WITH(expand("${A:x}"), Catch::Contains("unsupported modifier (:x) in substitution"));
  CHECK_THROWS_WITH(expand("${A!}"), Catch::Contains("unsupported modifier (!) in substitution"));
  CHECK_THROWS_WITH(expand("${A/x"), Catch::Contains("missing '/' in ${}"));
}

TEST_CASE("single quotes are literal and double quotes expand", "[build]") {
  CHECK(expand("'$A'") == "$A");
  CHECK(expand("'a\\b'") == "a\\b");
  CHECK(expand("\"$A b\"") == "a b");
  CHECK(expand("\"it's\"") == "it's");
  CHECK(expand("x'y'\"z\"") == "xyz");
  CHECK(expand("''") == "");
  CHECK_THROWS_WITH(expand("'open"), Catch::Contains("matching single-quote"));
  CHECK_THROWS_WITH(expand("\"open"), Catch::Contains("matching double-quote"));
}

TEST_CASE("the escape character escapes the next character outside quotes", "[build]") {
  CHECK(expand("\\$A") == "$A");
  CHECK(expand("a\\ b") == "a b");
  CHECK(expand("\\'x\\'") == "'x'");
  CHECK(expand("\\\\") == "\\");
  CHECK(expand("end\\") == "end");
}

TEST_CASE("inside double quotes the escape only escapes quote dollar and itself", "[build]") {
  CHECK(expand("\"\\$A\"") == "$A");
  CHECK(expand("\"a\\\"b\"") == "a\"b");
  CHECK(expand("\"c:\\dir\"") == "c:\\dir");
  CHECK(expand("\"\\\\\"") == "\\");
}

TEST_CASE("a backtick escape directive makes backslash an ordinary character", "[build]") {
  CHECK(expand("c:\\windows", '`') == "c:\\windows");
  CHECK(expand("`$A", '`') == "$A");
  CHECK(expand("\"`\"\"", '`') == "\"");
}

TEST_CASE("split_words keeps quotes and escapes and groups quoted spaces", "[build]") {
  CHECK(split_words("a  'b c'\t\"d e\"") == Words{"a", "'b c'", "\"d e\""});
  CHECK(split_words("a\\ b c") == Words{"a\\ b", "c"});
  CHECK(split_words("x=\"1 2\" y=''") == Words{"x=\"1 2\"", "y=''"});
  CHECK(split_words("''") == Words{"''"});
  CHECK(split_words("   ").empty());
}

TEST_CASE("expand_words splits first and does not split an expanded value again", "[build]") {
  CHECK(expand_words("a 'b c' $SP", vars()) == Words{"a", "b c", "d e"});
  CHECK(expand_words("src/${A}.txt  /dst/", vars()) == Words{"src/a.txt", "/dst/"});
  CHECK(expand_words("\"\" x", vars()) == Words{"", "x"});
}

TEST_CASE("expand_key_values reads key=value pairs with quoted and expanded values", "[build]") {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(expand_key_values("K=V K2=\"v 2\"", vars()) == Pairs{{"K", "V"}, {"K2", "v 2"}});
  CHECK(expand_key_values("PATH=$A:/bin E= Q='$A'", vars()) == Pairs{{"PATH", "a:/bin"}, {"E", ""}, {"Q", "$A"}});
  CHECK(expand_key_values("\"com.example.v\"=\"1\"", vars()) == Pairs{{"com.example.v", "1"}});
  CHECK(expand_key_values("X=a\\ b", vars()) == Pairs{{"X", "a b"}});
}

TEST_CASE("expand_key_values legacy form takes the rest of the line as the value", "[build]") {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(expand_key_values("K some value $A", vars()) == Pairs{{"K", "some value a"}});
  CHECK(expand_key_values("K   \"quoted x\"", vars()) == Pairs{{"K", "quoted x"}});
}

TEST_CASE("expand_key_values rejects blank names missing equals and lone keys", "[build]") {
  CHECK_THROWS_WITH(expand_key_values("=v", vars()), "ENV names can not be blank");
  CHECK_THROWS_WITH(expand_key_values("=v", vars(), '\\', "LABEL"), "LABEL names can not be blank");
  CHECK_THROWS_WITH(expand_key_values("A=1 b", vars()),
                    "Syntax error - can't find = in \"b\". Must be of the form: name=value");
  CHECK_THROWS_WITH(expand_key_values("LONE", vars()), "ENV must have two arguments");
  CHECK_THROWS_WITH(expand_key_values("", vars()), "ENV requires at least one argument");
}

TEST_CASE("expand_arg_decls reads names with and without defaults", "[build]") {
  auto decls = expand_arg_decls("V1 V2=x V3=${A}-1 V4= V5=\"a b\"", vars());
  REQUIRE(decls.size() == 5);
  CHECK(decls[0] == std::make_pair(std::string("V1"), std::optional<std::string>()));
  CHECK(decls[1].second == std::optional<std::string>("x"));
  CHECK(decls[2].second == std::optional<std::string>("a-1"));
  CHECK(decls[3].second == std::optional<std::string>(""));
  CHECK(decls[4].second == std::optional<std::string>("a b"));
  CHECK_THROWS_WITH(expand_arg_decls("=x", vars()), "ARG names can not be blank");
}

TEST_CASE("patterns behave as in Docker's own lexer tests", "[build]") {
  auto lookup = vars({{"FOO", "xxyy"}, {"BAR", ""}, {"X", "x"}, {"SPECIAL", "()[]{}^$.*?|\\x"}, {"STARS", "a***yy*"},
                      {"PATH1", "/foo*/*/*.txt"}, {"NEEDLE", "\\*/"}, {"URL", "http://google.de"},
                      {"SLASHES", "/a/foo/b/c.txt"}, {"TMP", "/tmp/foo.txt"}});
  auto ex = [&](std::string_view w) { return expand_word(w, lookup); };
  CHECK(ex("${FOO#*}") == "xxyy");
  CHECK(ex("${FOO#*x*y}") == "y");
  CHECK(ex("${FOO##*x}") == "yy");
  CHECK(ex("${FOO#$X}") == "xyy");
  CHECK(ex("${FOO#$BAR}") == "xxyy");
  CHECK(ex("${FOO#}") == "xxyy");
  CHECK(ex("${FOO%}") == "xxyy");
  CHECK(ex("${UNSET:-.}${FOO%x}${UNSET:-.}") == ".xxyy.");
  CHECK(ex("${SPECIAL#()[]{\\}^$.\\*\\?|\\\\}") == "x");
  CHECK(ex("${STARS%%\\**\\*}") == "a");
  CHECK(ex("${PATH1/$NEEDLE/.} - ${PATH1//$NEEDLE/.}") == "/foo.*/*.txt - /foo..*.txt");
  CHECK(ex("${URL/http:\\/\\//https://}") == "https://google.de");
  CHECK(ex("${SLASHES//\\/?\\//\\/}") == "\\/foo\\/c.txt");
  CHECK(ex("${TMP//\\//\\/}") == "\\/tmp\\/foo.txt");
  CHECK(ex("${FOO/$BAR/ww}") == "wwxxyy");
  CHECK(ex("${FOO///}") == "xxyy");
  CHECK(ex("${UNSET///}") == "");
  CHECK_THROWS(ex("${FOO//ww}"));
  CHECK_THROWS(ex("${FOO//}"));
  CHECK_THROWS(ex("${FOO=aaa}"));
  CHECK_THROWS(ex("${FOO=}"));
}
