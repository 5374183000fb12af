#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "engine/init_layer.hpp"
#include "engine/layout.hpp"
#include "unit/image/scratch.hpp"

using namespace stack::engine;
namespace fs = std::filesystem;

namespace {

// State roots in a temporary directory of the tests' own (removed at the end).
struct Roots_ {
  stack::testing::TempDir temp;
  std::string dir = temp.path().string();
  Layout layout() const { return Layout(Roots{dir + "/root", dir + "/run"}); }
};

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode;
}

}  // namespace

TEST_CASE("the init layer holds the empty mount points of every container's /etc", "[create]") {
  Roots_ roots;
  const std::string dir = ensure_init_layer(roots.layout());
  CHECK(dir == roots.layout().init_layer_dir());
  CHECK(mode_of(dir) == (S_IFDIR | 0755));
  CHECK(mode_of(dir + "/etc") == (S_IFDIR | 0755));
  for (const char* file : {"hosts", "hostname", "resolv.conf"}) {
    CHECK(mode_of(dir + "/etc/" + file) == (S_IFREG | 0644));
    CHECK(fs::file_size(dir + "/etc/" + file) == 0);
  }
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir)) names.push_back(e.path().lexically_relative(dir));
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"etc", "etc/hostname", "etc/hosts", "etc/resolv.conf"});
  // Nothing of the making is left beside it.
  std::vector<std::string> cache;
  for (const auto& e : fs::directory_iterator(fs::path(dir).parent_path())) cache.push_back(e.path().filename());
  CHECK(cache == std::vector<std::string>{"init-layer"});
}

TEST_CASE("the init layer is made once and then used as it is", "[create]") {
  Roots_ roots;
  const std::string dir = ensure_init_layer(roots.layout());
  struct stat before {};
  REQUIRE(::stat(dir.c_str(), &before) == 0);
  CHECK(ensure_init_layer(roots.layout()) == dir);
  struct stat after {};
  REQUIRE(::stat(dir.c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
}

TEST_CASE("the init layer's making fails with the path when the cache cannot be made", "[create]") {
  Roots_ roots;
  // A file where the cache directory should be.
  fs::create_directories(roots.dir + "/root");
  std::ofstream(roots.dir + "/root/cache") << "x";
  CHECK_THROWS_WITH(ensure_init_layer(roots.layout()), Catch::Contains(roots.dir + "/root/cache"));
}
