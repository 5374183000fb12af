#include <catch2/catch.hpp>

#include <fcntl.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <vector>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/archive_files.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/tar_writer.hpp"

using namespace stack::engine::image;
namespace fs = std::filesystem;

namespace {

const std::string kHex = digest_hex(sha256_digest("layer"));
const std::string kOther = digest_hex(sha256_digest("other"));

// A temporary directory; read() writes a tar file with `fill` and reads it with
// read_archive_files into a fresh "files" directory.
struct Scratch {
  std::string dir;
  Scratch() {
    std::string pattern = (fs::temp_directory_path() / "archive-files-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
  }
  ~Scratch() { fs::remove_all(dir); }

  ArchiveFiles read(const std::function<void(TarWriter&)>& fill) {
    {
      stack::UniqueFd out(::open((dir + "/a.tar").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
      TarWriter tar(out.get());
      fill(tar);
      tar.finish();
    }
    fs::remove_all(dir + "/files");  // read_archive_files wants an empty directory
    fs::create_directory(dir + "/files");
    stack::UniqueFd in(::open((dir + "/a.tar").c_str(), O_RDONLY | O_CLOEXEC));
    return read_archive_files(in.get(), dir + "/files");
  }
};

}  // namespace

TEST_CASE("archive names are normalized and names leaving the archive are refused", "[archive]") {
  CHECK(normalize_archive_name("./blobs//sha256/x", "e") == "blobs/sha256/x");
  CHECK(normalize_archive_name("manifest.json", "e") == "manifest.json");
  CHECK_THROWS_WITH(normalize_archive_name("a/../../x", "archive entry \"a/../../x\""),
                    "archive entry \"a/../../x\": names with \"..\" are not allowed in an image archive");
  CHECK_THROWS_WITH(normalize_archive_name("/etc/x", "archive entry \"/etc/x\""),
                    "archive entry \"/etc/x\": absolute names are not allowed in an image archive");
}

TEST_CASE("only the names docker and OCI archives use are image archive names", "[archive]") {
  for (const std::string& name : std::vector<std::string>{"manifest.json", "index.json", "oci-layout", "repositories", "blobs/sha256/" + kHex,
                                 kHex + "/layer.tar", kHex + "/json", kHex + "/VERSION", kHex + ".json"}) {
    INFO(name);
    CHECK(is_image_archive_name(name));
  }
  for (const std::string& name : std::vector<std::string>{"blobs/sha256/abc", "blobs/sha512/" + kHex, kHex + "/other", "README",
                                 "blobs/sha256/" + kHex + "/x", kHex.substr(1) + ".json", "blobs"}) {
    INFO(name);
    CHECK_FALSE(is_image_archive_name(name));
  }
}

TEST_CASE("regular files are copied and hashed, others skipped, and links become aliases", "[archive]") {
  Scratch s;
  const ArchiveFiles files = s.read([](TarWriter& tar) {
    tar.add_file("./manifest.json", "[]");
    tar.add_file("README", "ignored");
    tar.add_directory(kHex + "/");
    tar.add_file(kHex + "/layer.tar", "layer");
    tar.add_directory(kOther + "/");
    tar.add_symlink(kOther + "/layer.tar", "../" + kHex + "/layer.tar");
  });
  CHECK(files.files.size() == 2);
  REQUIRE(files.find("manifest.json") != nullptr);
  CHECK(stack::base::read_file(files.find("manifest.json")->path) == "[]");
  CHECK(files.find("README") == nullptr);
  const ArchiveFile* linked = files.find(kOther + "/layer.tar");
  REQUIRE(linked != nullptr);
  CHECK(linked->digest == sha256_digest("layer"));
  CHECK(linked->size == 5);
  CHECK(linked == files.find(kHex + "/layer.tar"));
  CHECK_THROWS_WITH(files.get("blobs/sha256/" + kHex, "manifest.json"),
                    "invalid image archive: manifest.json names \"blobs/sha256/" + kHex +
                        "\", which the archive does not hold");
}

TEST_CASE("a symlink leading outside the archive is refused", "[archive]") {
  Scratch s;
  CHECK_THROWS_WITH(s.read([](TarWriter& tar) { tar.add_symlink(kHex + "/layer.tar", "../../etc/passwd"); }),
                    "archive entry \"" + kHex + "/layer.tar\": symlink to \"../../etc/passwd\" leads outside the archive");
  CHECK_THROWS_WITH(s.read([](TarWriter& tar) { tar.add_symlink(kHex + "/layer.tar", "/etc/passwd"); }),
                    Catch::Contains("leads outside the archive"));
}

TEST_CASE("a blob whose content does not match its name is refused, naming the entry", "[archive]") {
  Scratch s;
  CHECK_THROWS_WITH(s.read([](TarWriter& tar) { tar.add_file("blobs/sha256/" + kHex, "not the layer"); }),
                    "archive entry \"blobs/sha256/" + kHex + "\": content does not match its name (its digest is " +
                        sha256_digest("not the layer") + ")");
  const ArchiveFiles ok = s.read([](TarWriter& tar) { tar.add_file("blobs/sha256/" + kOther, "other"); });
  CHECK(ok.find("blobs/sha256/" + kOther) != nullptr);
}

TEST_CASE("an input that is not a tar archive is an error", "[archive]") {
  Scratch s;
  stack::base::write_file_atomic(s.dir + "/junk", std::string(2048, 'j'));
  fs::create_directory(s.dir + "/files");
  stack::UniqueFd in(::open((s.dir + "/junk").c_str(), O_RDONLY | O_CLOEXEC));
  CHECK_THROWS_WITH(read_archive_files(in.get(), s.dir + "/files"), Catch::StartsWith("cannot read the image archive: "));
}
