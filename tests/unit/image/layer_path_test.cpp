#include <catch2/catch.hpp>

#include "engine/image/layer_path.hpp"

using namespace stack::engine::image;

TEST_CASE("entry names are cleaned to paths relative to the layer directory", "[layer_path]") {
  CHECK(clean_entry_path("etc/passwd") == std::optional<std::string>("etc/passwd"));
  CHECK(clean_entry_path("./etc/passwd") == std::optional<std::string>("etc/passwd"));
  CHECK(clean_entry_path("././usr//lib/./x/") == std::optional<std::string>("usr/lib/x"));
  CHECK(clean_entry_path("./") == std::optional<std::string>(""));
  CHECK(clean_entry_path(".") == std::optional<std::string>(""));
  CHECK(clean_entry_path("a..b/..c") == std::optional<std::string>("a..b/..c"));
}

TEST_CASE("entry names that could leave the layer directory are refused", "[layer_path]") {
  CHECK_FALSE(clean_entry_path("../x"));
  CHECK_FALSE(clean_entry_path("./../x"));
  CHECK_FALSE(clean_entry_path("/abs"));
  CHECK_FALSE(clean_entry_path(".//abs"));
  CHECK_FALSE(clean_entry_path("a/../../x"));
  CHECK_FALSE(clean_entry_path("a/../b"));
  CHECK_FALSE(clean_entry_path("a/.."));
  CHECK_FALSE(clean_entry_path(".."));
}

TEST_CASE("a cleaned path splits into its parent directory and its last component", "[layer_path]") {
  SplitPath nested = split_entry_path("usr/lib/libc.so");
  CHECK(nested.parent == "usr/lib");
  CHECK(nested.base == "libc.so");
  SplitPath top = split_entry_path("etc");
  CHECK(top.parent.empty());
  CHECK(top.base == "etc");
}

TEST_CASE("whiteout names are classified as the OCI image spec defines them", "[layer_path]") {
  CHECK(classify_whiteout("passwd").kind == WhiteoutKind::None);
  CHECK(classify_whiteout(".wh").kind == WhiteoutKind::None);
  CHECK(classify_whiteout(".whx").kind == WhiteoutKind::None);
  CHECK(classify_whiteout(".wh..wh..opq").kind == WhiteoutKind::Opaque);
  CHECK(classify_whiteout(".wh..wh.plnk").kind == WhiteoutKind::AufsMeta);
  CHECK(classify_whiteout(".wh..wh.aufs").kind == WhiteoutKind::AufsMeta);
  Whiteout removed = classify_whiteout(".wh.passwd");
  CHECK(removed.kind == WhiteoutKind::Remove);
  CHECK(removed.target == "passwd");
  CHECK(classify_whiteout(".wh..hidden").target == ".hidden");
  CHECK(classify_whiteout(".wh.").kind == WhiteoutKind::Invalid);
  CHECK(classify_whiteout(".wh..").kind == WhiteoutKind::Invalid);
  CHECK(classify_whiteout(".wh...").kind == WhiteoutKind::Invalid);
}

TEST_CASE("paths inside aufs metadata directories at the top of the layer are recognised", "[layer_path]") {
  CHECK(in_aufs_metadata(".wh..wh.plnk"));
  CHECK(in_aufs_metadata(".wh..wh.plnk/123.456"));
  CHECK(in_aufs_metadata(".wh..wh.orph/x/y"));
  CHECK_FALSE(in_aufs_metadata(".wh..wh..opq"));
  CHECK_FALSE(in_aufs_metadata("etc/.wh..wh.plnk/x"));
  CHECK_FALSE(in_aufs_metadata("etc/passwd"));
}
