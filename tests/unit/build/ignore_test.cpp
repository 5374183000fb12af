#include <catch2/catch.hpp>

#include <string>

#include "base/error.hpp"
#include "engine/build/ignore.hpp"
#include "engine/build/ignore_pattern.hpp"
#include "unit/image/scratch.hpp"

using stack::engine::build::clean_path;
using stack::engine::build::Glob;
using stack::engine::build::IgnoreRules;

TEST_CASE("clean_path cleans as Go filepath.Clean does", "[build]") {
  CHECK(clean_path("./a//b/") == "a/b");
  CHECK(clean_path("a/../b") == "b");
  CHECK(clean_path("../a") == "../a");
  CHECK(clean_path("/../a") == "/a");
  CHECK(clean_path("") == ".");
  CHECK(clean_path("a/..") == ".");
  CHECK(clean_path("/") == "/");
}

TEST_CASE("glob star and question mark never cross a slash", "[build]") {
  CHECK(Glob("*.txt").matches("a.txt"));
  CHECK(Glob("*.txt").matches(".txt"));
  CHECK_FALSE(Glob("*.txt").matches("d/a.txt"));
  CHECK(Glob("a?c").matches("abc"));
  CHECK_FALSE(Glob("a?c").matches("a/c"));
  CHECK(Glob("*/b").matches("a/b"));
}

TEST_CASE("glob classes ranges negation and escapes follow Go", "[build]") {
  CHECK(Glob("[a-c]x").matches("bx"));
  CHECK_FALSE(Glob("[a-c]x").matches("dx"));
  CHECK(Glob("[^a-c]x").matches("dx"));
  CHECK_FALSE(Glob("[^a-c]x").matches("ax"));
  CHECK(Glob("\\*").matches("*"));
  CHECK_FALSE(Glob("\\*").matches("a"));
  CHECK(Glob("[\\]]").matches("]"));
  CHECK_THROWS_AS(Glob("[a"), stack::Error);
  CHECK_THROWS_AS(Glob("[]"), stack::Error);
  CHECK_THROWS_AS(Glob("a\\"), stack::Error);
}

TEST_CASE("double star matches any number of directories", "[build]") {
  const Glob go("**/*.go", true);
  CHECK(go.matches("main.go"));
  CHECK(go.matches("a/b/c.go"));
  CHECK_FALSE(go.matches("a/b/c.c"));
  const Glob middle("a/**/b", true);
  CHECK(middle.matches("a/b"));
  CHECK(middle.matches("a/x/y/b"));
  CHECK_FALSE(middle.matches("a/xb"));
  CHECK(Glob("a/**", true).matches("a/x/y"));
  CHECK(Glob("**", true).matches("anything/at/all"));
}

TEST_CASE("dockerignore example from the Docker documentation", "[build]") {
  const IgnoreRules rules = IgnoreRules::parse("# comment\n*/temp*\n*/*/temp*\ntemp?\n");
  CHECK(rules.excluded("somedir/temporary.txt"));
  CHECK(rules.excluded("somedir/temp"));
  CHECK(rules.excluded("somedir/temp/inside.txt"));
  CHECK(rules.excluded("somedir/subdir/temporary.txt"));
  CHECK(rules.excluded("tempa"));
  CHECK_FALSE(rules.excluded("temp"));
  CHECK_FALSE(rules.excluded("temporary.txt"));
  CHECK_FALSE(rules.excluded("# comment"));
  CHECK_FALSE(rules.excluded("a/b/c/temporary.txt"));
}

TEST_CASE("dockerignore exceptions and the last matching pattern decide", "[build]") {
  const IgnoreRules readme = IgnoreRules::parse("*.md\n!README.md\n");
  CHECK(readme.excluded("CHANGES.md"));
  CHECK_FALSE(readme.excluded("README.md"));
  CHECK_FALSE(readme.excluded("docs/x.md"));  // "*.md" is for the top directory only

  const IgnoreRules secret_last = IgnoreRules::parse("*.md\n!README*.md\nREADME-secret.md\n");
  CHECK(secret_last.excluded("README-secret.md"));
  CHECK_FALSE(secret_last.excluded("README-public.md"));
  CHECK(secret_last.excluded("other.md"));

  const IgnoreRules exception_last = IgnoreRules::parse("*.md\nREADME-secret.md\n!README*.md\n");
  CHECK_FALSE(exception_last.excluded("README-secret.md"));
  CHECK(exception_last.excluded("other.md"));
}

TEST_CASE("dockerignore patterns are cleaned and a leading slash dropped", "[build]") {
  const IgnoreRules rules = IgnoreRules::parse("/build/\n./tmp//x\n  spaced  \r\n\n!\tbuild/keep\n");
  CHECK(rules.excluded("build"));
  CHECK(rules.excluded("build/out/a.o"));
  CHECK_FALSE(rules.excluded("build/keep"));
  CHECK(rules.excluded("tmp/x"));
  CHECK(rules.excluded("spaced"));
  CHECK_FALSE(rules.excluded("src/build"));
}

TEST_CASE("dockerignore excluded directory is walked only when an exception may match beneath", "[build]") {
  const IgnoreRules rules = IgnoreRules::parse("build\nvendor\n!build/keep/*.txt\n");
  CHECK(rules.excluded("build/keep"));
  CHECK(rules.may_include_beneath("build"));
  CHECK(rules.may_include_beneath("build/keep"));
  CHECK_FALSE(rules.may_include_beneath("build/other"));
  CHECK_FALSE(rules.may_include_beneath("vendor"));
  CHECK_FALSE(rules.excluded("build/keep/a.txt"));

  const IgnoreRules anywhere = IgnoreRules::parse("vendor\n!**/LICENSE\n");
  CHECK(anywhere.may_include_beneath("vendor"));
  CHECK_FALSE(anywhere.excluded("vendor/x/LICENSE"));
  CHECK(IgnoreRules{}.excluded("x") == false);
}

TEST_CASE("dockerignore errors name the file and line", "[build]") {
  try {
    IgnoreRules::parse("a\n# c\n[a\n");
    FAIL("no error");
  } catch (const stack::Error& e) {
    CHECK(std::string(e.what()) == ".dockerignore:3: bad pattern \"[a\": syntax error in pattern");
  }
  CHECK_THROWS_WITH(IgnoreRules::parse("!\n"), Catch::Contains("illegal exclusion pattern"));
}

TEST_CASE("dockerignore load reads the context file and accepts none", "[build]") {
  stack::testing::TempDir context;
  CHECK_FALSE(IgnoreRules::load(context.path().string()).excluded("a"));
  context.write(".dockerignore", "\xEF\xBB\xBF" "a\n");
  CHECK(IgnoreRules::load(context.path().string()).excluded("a"));
}
