#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <filesystem>

#include "base/files.hpp"

namespace fs = std::filesystem;

TEST_CASE("write_file_atomic replaces the whole file and leaves no temporary", "[files]") {
  std::string t = (fs::temp_directory_path() / "stack-files-XXXXXX").string();
  const std::string dir = mkdtemp(t.data());
  const std::string path = dir + "/state.json";
  stack::base::write_file_atomic(path, "{\"a\":1}");
  CHECK(stack::base::read_file(path) == "{\"a\":1}");
  stack::base::write_file_atomic(path, "{}", 0600);
  CHECK(stack::base::read_file(path) == "{}");
  struct stat st {};
  stat(path.c_str(), &st);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  fs::remove_all(dir);
}

TEST_CASE("write_file_atomic names the path when the directory is missing", "[files]") {
  REQUIRE_THROWS_WITH(stack::base::write_file_atomic("/nonexistent-dir/x.json", "x"),
                      Catch::Contains("/nonexistent-dir/x.json") && Catch::Contains("No such file or directory"));
}

TEST_CASE("absolute_from resolves relative paths and drops trailing slashes", "[files]") {
  CHECK(stack::base::absolute_from("/p", "a/../b/") == "/p/b");
  CHECK(stack::base::absolute_from("/p", "/abs/./x") == "/abs/x");
}

TEST_CASE("make_spread_dir makes the directory, and on ext4 marks it a top directory", "[files]") {
  std::string t = (fs::temp_directory_path() / "stack-files-XXXXXX").string();
  const std::string dir = mkdtemp(t.data());
  const std::string spread = dir + "/a/containers";
  stack::base::make_spread_dir(spread);
  stack::base::make_spread_dir(spread);  // again: nothing to do
  REQUIRE(fs::is_directory(spread));
  struct statfs sfs {};
  REQUIRE(statfs(spread.c_str(), &sfs) == 0);
  if (sfs.f_type == 0xEF53) {  // ext2/3/4: the flag is kept (elsewhere it may be refused)
    const int fd = open(spread.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int flags = 0;
    CHECK(ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0);
    CHECK((flags & FS_TOPDIR_FL) != 0);
    close(fd);
  }
  fs::remove_all(dir);
}
