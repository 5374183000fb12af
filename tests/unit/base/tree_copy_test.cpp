#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/tree_copy.hpp"
#include "base/unique_fd.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  TempDir() {
    std::string t = (fs::temp_directory_path() / "stack-copy-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

stack::UniqueFd open_dir(const std::string& p) { return stack::UniqueFd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); }

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct stat lstat_of(const std::string& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st;
}

}  // namespace

TEST_CASE("copy_tree keeps content, modes, times, symlinks, hard links and fifos", "[base]") {
  TempDir src, dst;
  fs::create_directories(src.path + "/a/b");
  write(src.path + "/a/b/file", "content");
  ::chmod((src.path + "/a/b/file").c_str(), 0640);
  ::chmod((src.path + "/a").c_str(), 0750);
  REQUIRE(::link((src.path + "/a/b/file").c_str(), (src.path + "/hard").c_str()) == 0);
  REQUIRE(::symlink("../../etc/passwd", (src.path + "/a/escape").c_str()) == 0);
  REQUIRE(::mkfifo((src.path + "/fifo").c_str(), 0600) == 0);
  const struct timespec old_times[2] = {{1000000000, 0}, {1000000000, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (src.path + "/a/b/file").c_str(), old_times, 0) == 0);
  ::chmod(src.path.c_str(), 0711);

  stack::base::copy_tree(open_dir(src.path).get(), open_dir(dst.path).get(), "copy");

  CHECK(read(dst.path + "/a/b/file") == "content");
  CHECK((lstat_of(dst.path + "/a/b/file").st_mode & 07777) == 0640);
  CHECK((lstat_of(dst.path + "/a").st_mode & 07777) == 0750);
  CHECK((lstat_of(dst.path).st_mode & 07777) == 0711);  // the destination takes the source's mode
  CHECK(lstat_of(dst.path + "/a/b/file").st_mtim.tv_sec == 1000000000);
  CHECK(lstat_of(dst.path + "/hard").st_ino == lstat_of(dst.path + "/a/b/file").st_ino);
  CHECK(fs::read_symlink(dst.path + "/a/escape") == "../../etc/passwd");  // copied as a link, never followed
  CHECK(S_ISFIFO(lstat_of(dst.path + "/fifo").st_mode));
}

TEST_CASE("copy_tree refuses to overwrite what the destination already has", "[base]") {
  TempDir src, dst;
  write(src.path + "/x", "new");
  write(dst.path + "/x", "old");
  REQUIRE_THROWS_WITH(stack::base::copy_tree(open_dir(src.path).get(), open_dir(dst.path).get(), "copy into v"),
                      Catch::Contains("copy into v: create x") && Catch::Contains("File exists"));
  CHECK(read(dst.path + "/x") == "old");
}

TEST_CASE("has_entries tells an empty directory from one with content", "[base]") {
  TempDir d;
  CHECK_FALSE(stack::base::has_entries(open_dir(d.path).get()));
  write(d.path + "/.hidden", "");
  CHECK(stack::base::has_entries(open_dir(d.path).get()));
}
