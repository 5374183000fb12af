#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/tar_writer.hpp"

using stack::engine::image::TarWriter;
namespace fs = std::filesystem;

namespace {

struct Read {
  std::string name;
  unsigned type;
  unsigned mode;
  std::string content;
  std::string link;
  bool operator==(const Read&) const = default;
};

std::vector<Read> read_back(const std::string& path) {
  std::unique_ptr<archive, int (*)(archive*)> reader(archive_read_new(), archive_read_free);
  archive_read_support_filter_none(reader.get());
  archive_read_support_format_tar(reader.get());
  REQUIRE(archive_read_open_filename(reader.get(), path.c_str(), 10240) == ARCHIVE_OK);
  std::vector<Read> out;
  archive_entry* e = nullptr;
  int rc;
  while ((rc = archive_read_next_header(reader.get(), &e)) == ARCHIVE_OK) {
    Read r{archive_entry_pathname(e), static_cast<unsigned>(archive_entry_filetype(e)),
           static_cast<unsigned>(archive_entry_perm(e)), {}, archive_entry_symlink(e) ? archive_entry_symlink(e) : ""};
    char buf[8192];
    for (la_ssize_t n; (n = archive_read_data(reader.get(), buf, sizeof buf)) > 0;) r.content.append(buf, n);
    CHECK(archive_entry_uid(e) == 0);
    CHECK(archive_entry_mtime(e) == 0);
    out.push_back(std::move(r));
  }
  CHECK(rc == ARCHIVE_EOF);
  return out;
}

struct Scratch {
  std::string dir;
  Scratch() {
    std::string pattern = (fs::temp_directory_path() / "tar-writer-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
  }
  ~Scratch() { fs::remove_all(dir); }
};

}  // namespace

TEST_CASE("a tar written by TarWriter reads back entry by entry, long names and links included", "[archive]") {
  Scratch s;
  const std::string long_name = "blobs/" + std::string(150, 'n') + "/file";
  const std::string long_link = "../" + std::string(120, 'l');
  std::string big(600000, 'x');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  stack::base::write_file_atomic(s.dir + "/big", big);
  {
    stack::UniqueFd out(::open((s.dir + "/a.tar").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    TarWriter tar(out.get());
    tar.add_directory("blobs/");
    tar.add_file("oci-layout", "{}");
    tar.add_file("empty", "", 0600);
    tar.add_file_from("blobs/big", s.dir + "/big", 0755);
    tar.add_file(long_name, "long");
    tar.add_symlink("link", "oci-layout");
    tar.add_symlink("far", long_link);
    tar.finish();
  }
  CHECK(fs::file_size(s.dir + "/a.tar") % 512 == 0);
  CHECK(read_back(s.dir + "/a.tar") == std::vector<Read>{{"blobs/", AE_IFDIR, 0755, "", ""},
                                                          {"oci-layout", AE_IFREG, 0644, "{}", ""},
                                                          {"empty", AE_IFREG, 0600, "", ""},
                                                          {"blobs/big", AE_IFREG, 0755, big, ""},
                                                          {long_name, AE_IFREG, 0644, "long", ""},
                                                          {"link", AE_IFLNK, 0777, "", "oci-layout"},
                                                          {"far", AE_IFLNK, 0777, "", long_link}});
}

TEST_CASE("TarWriter names the file it cannot read", "[archive]") {
  Scratch s;
  stack::UniqueFd out(::open((s.dir + "/a.tar").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  TarWriter tar(out.get());
  CHECK_THROWS_WITH(tar.add_file_from("x", s.dir + "/missing"), Catch::Contains(s.dir + "/missing"));
}
