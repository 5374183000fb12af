#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/unique_fd.hpp"
#include "engine/build/copy.hpp"
#include "engine/build/ignore.hpp"
#include "engine/image/tar_writer.hpp"
#include "unit/image/scratch.hpp"

using stack::UniqueFd;
using stack::engine::build::content_digest;
using stack::engine::build::copy_sources;
using stack::engine::build::CopyOptions;
using stack::engine::build::IgnoreRules;
using stack::engine::build::match_sources;
using stack::engine::image::TarWriter;
using stack::testing::TempDir;
namespace fs = std::filesystem;

namespace {

struct Roots {
  TempDir src;
  TempDir dst;
  UniqueFd src_fd{::open(src.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  UniqueFd dst_fd{::open(dst.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};

  std::vector<std::string> match(const std::vector<std::string>& sources, const IgnoreRules& ignore = {}) const {
    return match_sources(src_fd.get(), sources, ignore, "COPY");
  }
  void copy(const std::vector<std::string>& sources, const std::string& dest, const CopyOptions& options = {},
            const IgnoreRules& ignore = {}) const {
    copy_sources(src_fd.get(), match(sources, ignore), ignore, dst_fd.get(), dest, options);
  }
  std::string digest(const std::vector<std::string>& sources, const IgnoreRules& ignore = {}) const {
    return content_digest(src_fd.get(), match(sources, ignore), ignore);
  }
  std::string read(const std::string& path) const { return stack::base::read_file(dst.path() / path); }
  struct stat lstat_dst(const std::string& path) const {
    struct stat st {};
    REQUIRE(::lstat((dst.path() / path).c_str(), &st) == 0);
    return st;
  }
};

void set_mtime(const std::string& path, time_t seconds) {
  const timespec times[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

// A tar.gz of `dir`'s contents made by GNU tar, owned 42:43.
void tar_gz(const std::string& dir, const std::string& archive_path) {
  const std::string command = "tar --numeric-owner --owner=42 --group=43 -czf '" + archive_path + "' -C '" + dir + "' .";
  REQUIRE(std::system(command.c_str()) == 0);
}

// A gzip-compressed tar holding entries GNU tar would refuse to write.
void hostile_tar_gz(const std::string& archive_path, const std::function<void(TarWriter&)>& add) {
  const std::string tar_path = archive_path + ".tar";
  {
    UniqueFd fd(::open(tar_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    REQUIRE(fd);
    TarWriter writer(fd.get());
    add(writer);
    writer.finish();
  }
  REQUIRE(std::system(("gzip -n -c '" + tar_path + "' > '" + archive_path + "'").c_str()) == 0);
  fs::remove(tar_path);
}

}  // namespace

TEST_CASE("copy sources expand wildcards per path component in order", "[build]") {
  Roots roots;
  roots.src.write("b.txt", "b");
  roots.src.write("a.txt", "a");
  roots.src.write("c.log", "c");
  roots.src.write("sub/d.txt", "d");
  CHECK(roots.match({"*.txt"}) == std::vector<std::string>{"a.txt", "b.txt"});
  CHECK(roots.match({"*/*.txt"}) == std::vector<std::string>{"sub/d.txt"});
  CHECK(roots.match({"[ab].txt", "c.log"}) == std::vector<std::string>{"a.txt", "b.txt", "c.log"});
  CHECK(roots.match({"/sub/", "./a.txt"}) == std::vector<std::string>{"sub", "a.txt"});
  CHECK(roots.match({"."}) == std::vector<std::string>{"."});
}

TEST_CASE("copy of a missing or escaping source is an error naming it", "[build]") {
  Roots roots;
  roots.src.write("a.txt", "a");
  CHECK_THROWS_WITH(roots.match({"missing.txt"}),
                    "COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: "
                    "file does not exist");
  CHECK_THROWS_WITH(roots.match({"*.none"}), Catch::Contains("stat *.none: file does not exist"));
  CHECK_THROWS_WITH(roots.match({"../x"}), "forbidden path outside the build context: ../x");
  CHECK_THROWS_WITH(roots.match({"a/../../x"}), Catch::Contains("forbidden path outside the build context"));
}

TEST_CASE("copy source symlinks resolve inside the source root", "[build]") {
  Roots roots;
  roots.src.write("a.txt", "inside");
  fs::create_symlink("/a.txt", roots.src.path() / "abs");
  roots.copy({"abs"}, "/out");
  CHECK(roots.read("out") == "inside");
  CHECK(S_ISREG(roots.lstat_dst("out").st_mode));
}

TEST_CASE("copy of a file to a path, a slash path and an existing directory", "[build]") {
  Roots roots;
  roots.src.write("a.txt", "a");
  fs::create_directory(roots.dst.path() / "existing");
  roots.copy({"a.txt"}, "/x");
  roots.copy({"a.txt"}, "/new/dir/");
  roots.copy({"a.txt"}, "/existing");
  CHECK(roots.read("x") == "a");
  CHECK(roots.read("new/dir/a.txt") == "a");
  CHECK(roots.read("existing/a.txt") == "a");
  CHECK((roots.lstat_dst("new").st_mode & 07777) == 0755);
}

TEST_CASE("copy of a directory copies its contents recursively", "[build]") {
  Roots roots;
  roots.src.write("sub/d.txt", "d");
  roots.src.write("sub/deep/e.txt", "e");
  fs::create_symlink("../sub/d.txt", roots.src.path() / "sub/deep/link");
  roots.copy({"sub"}, "/t");
  CHECK(roots.read("t/d.txt") == "d");
  CHECK(roots.read("t/deep/e.txt") == "e");
  CHECK_FALSE(fs::exists(roots.dst.path() / "t/sub"));
  CHECK(S_ISLNK(roots.lstat_dst("t/deep/link").st_mode));
  CHECK(fs::read_symlink(roots.dst.path() / "t/deep/link") == "../sub/d.txt");
}

TEST_CASE("copy of several sources needs a destination ending in a slash", "[build]") {
  Roots roots;
  roots.src.write("a.txt", "a");
  roots.src.write("b.txt", "b");
  CHECK_THROWS_WITH(roots.copy({"*.txt"}, "/x"), Catch::Contains("must be a directory and end with a /"));
  roots.copy({"*.txt"}, "/x/");
  CHECK(roots.read("x/a.txt") == "a");
  CHECK(roots.read("x/b.txt") == "b");
}

TEST_CASE("copy destination symlinks resolve inside the destination root", "[build]") {
  Roots roots;
  roots.src.write("a.txt", "a");
  const std::string outside = "/stack-copy-test-outside-" + std::to_string(::getpid());
  fs::create_directory(roots.dst.path() / "real");
  fs::create_symlink(outside, roots.dst.path() / "escape");
  fs::create_symlink("/real", roots.dst.path() / "usr");
  roots.copy({"a.txt"}, "/usr/x/");
  roots.copy({"a.txt"}, "/escape/y");
  roots.copy({"a.txt"}, "/../../z");
  CHECK(roots.read("real/x/a.txt") == "a");
  CHECK(roots.read(outside.substr(1) + "/y") == "a");
  CHECK(roots.read("z") == "a");
  CHECK_FALSE(fs::exists(outside));
}

TEST_CASE("copy sets chown ids and chmod mode on files and created directories", "[build]") {
  Roots roots;
  roots.src.write("sub/f", "f");
  ::chmod((roots.src.path() / "sub/f").c_str(), 0600);
  CopyOptions options;
  options.uid = 1234;
  options.gid = 5678;
  options.mode = 0640;
  roots.copy({"sub"}, "/a/b", options);
  const struct stat file = roots.lstat_dst("a/b/f");
  CHECK(file.st_uid == 1234);
  CHECK(file.st_gid == 5678);
  CHECK((file.st_mode & 07777) == 0640);
  CHECK(roots.lstat_dst("a").st_uid == 1234);
  CHECK(roots.lstat_dst("a/b").st_gid == 5678);

  roots.copy({"sub/f"}, "/plain");
  CHECK(roots.lstat_dst("plain").st_uid == 0);
  CHECK((roots.lstat_dst("plain").st_mode & 07777) == 0600);
}

TEST_CASE("copy keeps modification times of files and directories", "[build]") {
  Roots roots;
  roots.src.write("sub/inner/f", "f");
  set_mtime(roots.src / "sub/inner/f", 1000000000);
  set_mtime(roots.src / "sub/inner", 1100000000);
  roots.copy({"sub"}, "/t/");
  CHECK(roots.lstat_dst("t/inner/f").st_mtim.tv_sec == 1000000000);
  CHECK(roots.lstat_dst("t/inner").st_mtim.tv_sec == 1100000000);
}

TEST_CASE("copy leaves out what dockerignore excludes", "[build]") {
  Roots roots;
  roots.src.write("keep.txt", "k");
  roots.src.write("drop.log", "d");
  roots.src.write("build/out.o", "o");
  roots.src.write("build/keep/me.txt", "m");
  const IgnoreRules ignore = IgnoreRules::parse("*.log\nbuild\n!build/keep/me.txt\n");
  roots.copy({"."}, "/ctx/", {}, ignore);
  CHECK(fs::exists(roots.dst.path() / "ctx/keep.txt"));
  CHECK_FALSE(fs::exists(roots.dst.path() / "ctx/drop.log"));
  CHECK_FALSE(fs::exists(roots.dst.path() / "ctx/build/out.o"));
  CHECK(roots.read("ctx/build/keep/me.txt") == "m");
  CHECK_THROWS_WITH(roots.match({"drop.log"}, ignore), Catch::Contains("excluded by .dockerignore"));
  CHECK(roots.match({"*"}, ignore) == std::vector<std::string>{"build", "keep.txt"});
}

TEST_CASE("copy digest follows content and mode and not modification time", "[build]") {
  Roots roots;
  const std::string file = roots.src.write("app/main.c", "int main;");
  roots.src.write("app/notes.log", "x");
  const std::string first = roots.digest({"app"});
  CHECK(first.rfind("sha256:", 0) == 0);
  CHECK(roots.digest({"app"}) == first);

  set_mtime(file, 1234567890);
  CHECK(roots.digest({"app"}) == first);

  const IgnoreRules ignore = IgnoreRules::parse("**/*.log\n");
  const std::string ignored = roots.digest({"app"}, ignore);
  roots.src.write("app/notes.log", "changed");
  CHECK(roots.digest({"app"}, ignore) == ignored);

  roots.src.write("app/main.c", "int main();");
  const std::string changed = roots.digest({"app"});
  CHECK(changed != first);
  ::chmod(file.c_str(), 0755);
  CHECK(roots.digest({"app"}) != changed);
}

TEST_CASE("add extracts a local tar.gz into the destination", "[build]") {
  Roots roots;
  TempDir tree;
  tree.write("dir/a.txt", "hello");
  fs::create_symlink("a.txt", tree.path() / "dir/link");
  set_mtime(tree / "dir/a.txt", 1500000000);
  tar_gz(tree.path().string(), roots.src / "files.tar.gz");
  CopyOptions add;
  add.extract_archives = true;
  roots.copy({"files.tar.gz"}, "/opt", add);
  CHECK(roots.read("opt/dir/a.txt") == "hello");
  CHECK(roots.lstat_dst("opt/dir/a.txt").st_uid == 42);
  CHECK(roots.lstat_dst("opt/dir/a.txt").st_gid == 43);
  CHECK(roots.lstat_dst("opt/dir/a.txt").st_mtim.tv_sec == 1500000000);
  CHECK(fs::read_symlink(roots.dst.path() / "opt/dir/link") == "a.txt");

  roots.copy({"files.tar.gz"}, "/copied/");  // COPY never extracts
  CHECK(fs::is_regular_file(roots.dst.path() / "copied/files.tar.gz"));
  roots.src.write("plain.gz.txt", "not an archive");
  roots.copy({"plain.gz.txt"}, "/p/", add);
  CHECK(roots.read("p/plain.gz.txt") == "not an archive");
}

TEST_CASE("add extraction refuses entries that would leave the destination", "[build]") {
  Roots roots;
  hostile_tar_gz(roots.src / "dotdot.tgz", [](TarWriter& w) { w.add_file("../evil", "x"); });
  hostile_tar_gz(roots.src / "link.tgz", [](TarWriter& w) {
    w.add_symlink("up", "/");
    w.add_file("up/evil", "x");
  });
  CopyOptions add;
  add.extract_archives = true;
  CHECK_THROWS_WITH(roots.copy({"dotdot.tgz"}, "/d1", add), Catch::Contains("escapes"));
  CHECK_THROWS_WITH(roots.copy({"link.tgz"}, "/d2", add), Catch::Contains("escapes"));
  CHECK_FALSE(fs::exists(roots.dst.path() / "evil"));
  CHECK_FALSE(fs::exists(roots.src.path() / "evil"));
}

TEST_CASE("copy makes hard links separate files and fifos fifos and skips sockets", "[build]") {
  Roots roots;
  roots.src.write("d/a", "same");
  fs::create_hard_link(roots.src.path() / "d/a", roots.src.path() / "d/b");
  REQUIRE(::mkfifo((roots.src.path() / "d/pipe").c_str(), 0640) == 0);
  roots.copy({"d"}, "/t/");
  CHECK(roots.read("t/b") == "same");
  CHECK(roots.lstat_dst("t/b").st_nlink == 1);
  CHECK(S_ISFIFO(roots.lstat_dst("t/pipe").st_mode));
  CHECK((roots.lstat_dst("t/pipe").st_mode & 07777) == 0640);
}

TEST_CASE("copy through a symlinked directory in the destination keeps the link", "[build]") {
  Roots roots;
  roots.src.write("tree/lib/x.so", "x");
  fs::create_directories(roots.dst.path() / "usr/lib");
  fs::create_symlink("usr/lib", roots.dst.path() / "lib");
  roots.copy({"tree"}, "/");
  CHECK(S_ISLNK(roots.lstat_dst("lib").st_mode));
  CHECK(roots.read("usr/lib/x.so") == "x");
}
