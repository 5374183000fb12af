#include <catch2/catch.hpp>

#include "base/strings.hpp"

using stack::base::split;
using stack::base::to_lower;
using Fields = std::vector<std::string>;

TEST_CASE("split keeps every field between separators, empty ones included", "[strings]") {
  CHECK(split("a:b:c", ':') == Fields{"a", "b", "c"});
  CHECK(split("a::b", ':') == Fields{"a", "", "b"});
  CHECK(split(":a:", ':') == Fields{"", "a", ""});
}

TEST_CASE("split of text without the separator is the text; of empty text one empty field", "[strings]") {
  CHECK(split("abc", ',') == Fields{"abc"});
  CHECK(split("", ',') == Fields{""});
}

TEST_CASE("to_lower lowercases ASCII letters and leaves other bytes alone", "[strings]") {
  CHECK(to_lower("TCP") == "tcp");
  CHECK(to_lower("KiB-9_x") == "kib-9_x");
  CHECK(to_lower("\xC3\x89t\xC3\xA9") == "\xC3\x89t\xC3\xA9");
  CHECK(to_lower("") == "");
}
