#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/error.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/layer_unpack.hpp"
#include "image/tar_builder.hpp"
#include "runtime/mount_namespace_child.hpp"

using namespace stack::engine::image;
using stack::UniqueFd;
using stack::testing::Compression;
using stack::testing::Report;
using stack::testing::TarBuilder;
using stack::testing::TarEntry;
namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "stack-layer-unpack-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A new empty directory inside.
  std::string dir(const std::string& name) const {
    fs::create_directories(path_ + "/" + name);
    return path_ + "/" + name;
  }
  // An fd reading `bytes` from a file inside.
  UniqueFd input(const std::string& bytes) const {
    const std::string file = path_ + "/input-" + std::to_string(inputs_++);
    std::ofstream(file, std::ios::binary) << bytes;
    return UniqueFd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  }

 private:
  std::string path_;
  mutable int inputs_ = 0;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

UnpackedLayer unpack_bytes(const TempDir& tmp, const std::string& bytes, const std::string& dest, int tee_fd = -1) {
  UniqueFd in = tmp.input(bytes);
  return unpack_layer(in.get(), dest, tee_fd);
}

UnpackedLayer digest_bytes(const TempDir& tmp, const std::string& bytes) {
  UniqueFd in = tmp.input(bytes);
  return digest_layer(in.get());
}

struct stat lstat_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) throw std::runtime_error("lstat " + path + ": " + std::strerror(errno));
  return st;
}

std::string xattr_of(const std::string& path, const std::string& name) {
  char value[256];
  ssize_t n = ::lgetxattr(path.c_str(), name.c_str(), value, sizeof value);
  return n < 0 ? std::string("<") + std::strerror(errno) + ">" : std::string(value, static_cast<size_t>(n));
}

// A valid file capability (VFS_CAP_REVISION_2) granting cap_net_bind_service, as
// setcap writes it: the kernel checks the format of security.capability.
std::string net_bind_capability() {
  vfs_cap_data cap{};
  cap.magic_etc = VFS_CAP_REVISION_2;
  cap.data[0].permitted = 1u << CAP_NET_BIND_SERVICE;
  return std::string(reinterpret_cast<const char*>(&cap), XATTR_CAPS_SZ_2);
}

TarBuilder sample_layer() {
  TarBuilder tar;
  tar.dir("./etc/")
      .file("./etc/hostname", "layer\n")
      .file("./usr/bin/tool", std::string(300000, 'x'), 0755)
      .symlink("./etc/localtime", "/usr/share/zoneinfo/UTC");
  return tar;
}

}  // namespace

TEST_CASE("plain, gzip and zstd layers give the same diff id: the sha256 of the uncompressed tar", "[layer_unpack]") {
  TempDir tmp;
  const TarBuilder tar = sample_layer();
  const std::string plain = tar.build(Compression::None);
  REQUIRE(plain.size() % 10240 == 0);  // ends with the zero blocks padding the record
  for (Compression compression : {Compression::None, Compression::Gzip, Compression::Zstd}) {
    const std::string archive = tar.build(compression);
    const std::string name = std::to_string(static_cast<int>(compression));
    const std::string tee_path = tmp.path() + "/tee-" + name;
    UniqueFd tee(::open(tee_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    UnpackedLayer layer = unpack_bytes(tmp, archive, tmp.dir("layer-" + name), tee.get());
    CHECK(layer.diff_id == sha256_digest(plain));
    CHECK(layer.tar_size == plain.size());
    CHECK(layer.content_size == 6 + 300000);
    CHECK(read_text(tee_path) == plain);
    CHECK(read_text(tmp.path() + "/layer-" + name + "/usr/bin/tool") == std::string(300000, 'x'));
  }
  CHECK(tar.build(Compression::Gzip).substr(0, 2) == "\x1f\x8b");
}

TEST_CASE("a layer read from a pipe is unpacked and digested like one read from a file", "[layer_unpack]") {
  TempDir tmp;
  const std::string plain = sample_layer().build();
  const std::string zstd = sample_layer().build(Compression::Zstd);
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  UniqueFd reader(fds[0]);
  UniqueFd writer(fds[1]);
  std::thread feed([&] {
    size_t done = 0;
    while (done < zstd.size()) {
      ssize_t n = ::write(writer.get(), zstd.data() + done, std::min<size_t>(zstd.size() - done, 777));
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    writer.reset();
  });
  UnpackedLayer layer;
  CHECK_NOTHROW(layer = unpack_layer(reader.get(), tmp.dir("layer")));
  feed.join();
  CHECK(layer.diff_id == sha256_digest(plain));
  CHECK(read_text(tmp.path() + "/layer/etc/hostname") == "layer\n");
}

TEST_CASE("digest_layer gives the diff id and sizes of unpack_layer and writes nothing", "[layer_unpack]") {
  TempDir tmp;
  const std::string plain = sample_layer().build();
  UnpackedLayer digested = digest_bytes(tmp, sample_layer().build(Compression::Gzip));
  UnpackedLayer unpacked = unpack_bytes(tmp, plain, tmp.dir("layer"));
  CHECK(digested.diff_id == sha256_digest(plain));
  CHECK(digested.diff_id == unpacked.diff_id);
  CHECK(digested.tar_size == plain.size());
  CHECK(digested.content_size == unpacked.content_size);
  CHECK_THROWS_WITH(digest_bytes(tmp, std::string(4096, 'g')), "not a tar archive (gzip, zstd or plain tar expected)");
}

TEST_CASE("every kind of entry is reproduced with its owner, mode, times and xattrs", "[layer_unpack]") {
  TempDir tmp;
  TarBuilder tar;
  tar.add(TarEntry("./", S_IFDIR).with_perm(0755));
  tar.add(TarEntry("srv/", S_IFDIR).with_perm(0750).owned_by(1000, 1001).modified_at(1600000000));
  tar.add(TarEntry("srv/data.txt", S_IFREG)
              .with_perm(0640)
              .owned_by(1000, 1001)
              .modified_at(1600000123, 456000000)
              .holding("data")
              .with_xattr("user.comment", "hello"));
  tar.add(TarEntry("bin/ping", S_IFREG)
              .with_perm(04755)
              .holding("elf")
              .with_xattr("security.capability", net_bind_capability()));
  tar.add(TarEntry("tmp/", S_IFDIR).with_perm(01777));
  tar.add(TarEntry("shared/", S_IFDIR).with_perm(02775).owned_by(0, 50));
  tar.add(TarEntry("srv/link", S_IFLNK)
              .with_perm(0777)
              .owned_by(1000, 1001)
              .modified_at(1500000000)
              .pointing_to("data.txt"));
  tar.add(TarEntry("srv/twin", S_IFREG).linked_to("srv/data.txt"));
  tar.add(TarEntry("dev/null", S_IFCHR).with_perm(0666).device(1, 3));
  tar.add(TarEntry("dev/loop9", S_IFBLK).with_perm(0660).owned_by(0, 6).device(7, 9));
  tar.add(TarEntry("run/fifo", S_IFIFO).with_perm(0620).owned_by(7, 0));
  const std::string dest = tmp.dir("layer");
  ::chmod(dest.c_str(), 0700);
  unpack_bytes(tmp, tar.build(Compression::Gzip), dest);

  struct stat root = lstat_of(dest);
  CHECK((root.st_mode & 07777) == 0755);  // from the "./" entry
  struct stat srv = lstat_of(dest + "/srv");
  CHECK(S_ISDIR(srv.st_mode));
  CHECK((srv.st_mode & 07777) == 0750);
  CHECK((srv.st_uid == 1000 && srv.st_gid == 1001));
  CHECK(srv.st_mtim.tv_sec == 1600000000);  // set after its children were written
  struct stat data = lstat_of(dest + "/srv/data.txt");
  CHECK(read_text(dest + "/srv/data.txt") == "data");
  CHECK((data.st_mode & 07777) == 0640);
  CHECK((data.st_uid == 1000 && data.st_gid == 1001));
  CHECK(data.st_mtim.tv_sec == 1600000123);
  CHECK(data.st_mtim.tv_nsec == 456000000);
  CHECK(data.st_nlink == 2);
  CHECK(xattr_of(dest + "/srv/data.txt", "user.comment") == "hello");
  CHECK(lstat_of(dest + "/srv/twin").st_ino == data.st_ino);
  struct stat ping = lstat_of(dest + "/bin/ping");
  CHECK((ping.st_mode & 07777) == 04755);
  CHECK(xattr_of(dest + "/bin/ping", "security.capability") == net_bind_capability());
  CHECK((lstat_of(dest + "/bin").st_mode & 07777) == 0755);  // a parent the archive does not list
  CHECK((lstat_of(dest + "/tmp").st_mode & 07777) == 01777);
  struct stat shared = lstat_of(dest + "/shared");
  CHECK((shared.st_mode & 07777) == 02775);
  CHECK(shared.st_gid == 50);
  struct stat link = lstat_of(dest + "/srv/link");
  CHECK(S_ISLNK(link.st_mode));
  CHECK(fs::read_symlink(dest + "/srv/link") == "data.txt");
  CHECK((link.st_uid == 1000 && link.st_gid == 1001));
  CHECK(link.st_mtim.tv_sec == 1500000000);
  struct stat null_dev = lstat_of(dest + "/dev/null");
  CHECK(S_ISCHR(null_dev.st_mode));
  CHECK((major(null_dev.st_rdev) == 1 && minor(null_dev.st_rdev) == 3));
  CHECK((null_dev.st_mode & 07777) == 0666);
  struct stat loop = lstat_of(dest + "/dev/loop9");
  CHECK(S_ISBLK(loop.st_mode));
  CHECK((major(loop.st_rdev) == 7 && minor(loop.st_rdev) == 9 && loop.st_gid == 6));
  struct stat fifo = lstat_of(dest + "/run/fifo");
  CHECK(S_ISFIFO(fifo.st_mode));
  CHECK((fifo.st_mode & 07777) == 0620);
  CHECK(fifo.st_uid == 7);
}

TEST_CASE("later entries replace earlier ones of the same name, and a listed directory keeps its contents",
          "[layer_unpack]") {
  TempDir tmp;
  TarBuilder tar;
  tar.file("a/x", "first").file("a/x", "second").dir("b").file("b/inside", "kept");
  tar.add(TarEntry("b", S_IFDIR).with_perm(0700));
  tar.dir("c").file("c/child", "gone").file("c", "now a file").symlink("d", "x").file("d", "not a link");
  const std::string dest = tmp.dir("layer");
  unpack_bytes(tmp, tar.build(), dest);
  CHECK(read_text(dest + "/a/x") == "second");
  CHECK(read_text(dest + "/b/inside") == "kept");
  CHECK((lstat_of(dest + "/b").st_mode & 07777) == 0700);
  CHECK(read_text(dest + "/c") == "now a file");
  CHECK(S_ISREG(lstat_of(dest + "/d").st_mode));
}

TEST_CASE("whiteouts become overlay whiteouts: a 0/0 character device and an opaque directory", "[layer_unpack]") {
  TempDir tmp;
  TarBuilder tar;
  tar.dir("etc").file("etc/.wh.gone", "").file("opq/.wh..wh..opq", "").file("opq/new", "upper");
  tar.file(".wh..wh.plnk/123.456", "aufs hard link store");
  const std::string dest = tmp.dir("layer");
  unpack_bytes(tmp, tar.build(), dest);
  struct stat gone = lstat_of(dest + "/etc/gone");
  CHECK(S_ISCHR(gone.st_mode));
  CHECK(gone.st_rdev == makedev(0, 0));
  CHECK_FALSE(fs::exists(fs::symlink_status(dest + "/etc/.wh.gone")));
  CHECK(xattr_of(dest + "/opq", "trusted.overlay.opaque") == "y");
  CHECK_FALSE(fs::exists(fs::symlink_status(dest + "/opq/.wh..wh..opq")));
  CHECK(read_text(dest + "/opq/new") == "upper");
  CHECK_FALSE(fs::exists(fs::symlink_status(dest + "/.wh..wh.plnk")));
}

TEST_CASE("an overlay of an unpacked base and whiteout layer hides the deleted file and the opaque directory's "
          "lower content", "[layer_unpack]") {
  TempDir tmp;
  TarBuilder base;
  base.file("etc/keep", "kept").file("etc/gone", "deleted above").file("opq/old", "lower").file("opq/sub/old2", "lower");
  TarBuilder upper;
  upper.file("etc/.wh.gone", "").file("opq/.wh..wh..opq", "").file("opq/new", "upper");
  const std::string base_dir = tmp.dir("base");
  const std::string upper_dir = tmp.dir("upper");
  unpack_bytes(tmp, base.build(Compression::Gzip), base_dir);
  unpack_bytes(tmp, upper.build(Compression::Zstd), upper_dir);
  const std::string target = tmp.dir("merged");
  Report r = stack::testing::run_in_mount_namespace([&](Report& r) {
    const std::string options = "lowerdir=" + upper_dir + ":" + base_dir;
    if (::mount("overlay", target.c_str(), "overlay", MS_RDONLY, options.c_str()) != 0)
      throw std::runtime_error(std::string("mount overlay: ") + std::strerror(errno));
    r["keep"] = read_text(target + "/etc/keep");
    r["gone exists"] = fs::exists(fs::symlink_status(target + "/etc/gone")) ? "yes" : "no";
    std::string listing;
    for (const auto& entry : fs::directory_iterator(target + "/opq")) listing += entry.path().filename().string() + " ";
    r["opq"] = listing;
    if (::umount2(target.c_str(), 0) != 0) throw std::runtime_error(std::string("umount: ") + std::strerror(errno));
  });
  CHECK(r == Report{{"keep", "kept"}, {"gone exists", "no"}, {"opq", "new "}});
  CHECK(stack::testing::mounts_mentioning(tmp.path()).empty());
}

TEST_CASE("entry names with .. or a leading slash are refused", "[layer_unpack]") {
  TempDir tmp;
  for (std::string name : {"../x", "/abs", "a/../../x", "./../x"}) {
    TarBuilder tar;
    tar.file("ok", "fine").file(name, "escaped");
    CHECK_THROWS_WITH(unpack_bytes(tmp, tar.build(), tmp.dir("layer-" + std::to_string(name.size()))),
                      "layer entry \"" + name + "\": path escapes the layer directory");
  }
  CHECK_FALSE(fs::exists(tmp.path() + "/x"));
  CHECK_FALSE(fs::exists("/abs"));
}

TEST_CASE("a symlink planted by an earlier entry cannot lead a later entry outside", "[layer_unpack]") {
  TempDir tmp;
  const std::string outside = tmp.dir("outside");
  TarBuilder absolute;
  absolute.symlink("evil", outside).file("evil/pwned", "gotcha");
  CHECK_THROWS_WITH(unpack_bytes(tmp, absolute.build(), tmp.dir("layer-abs")),
                    "layer entry \"evil/pwned\": path escapes the layer directory");
  TarBuilder climbing;
  climbing.symlink("up", "../../..").file("up/x", "gotcha");
  CHECK_THROWS_WITH(unpack_bytes(tmp, climbing.build(), tmp.dir("deep/er/layer-up")),
                    "layer entry \"up/x\": path escapes the layer directory");
  TarBuilder through_dir;
  through_dir.symlink("evil", outside).dir("evil/sub");
  CHECK_THROWS_WITH(unpack_bytes(tmp, through_dir.build(), tmp.dir("layer-dir")),
                    "layer entry \"evil/sub\": path escapes the layer directory");
  CHECK(fs::is_empty(outside));
  CHECK_FALSE(fs::exists(tmp.path() + "/x"));
  CHECK_FALSE(fs::exists(tmp.path() + "/deep/x"));
}

TEST_CASE("symlinks inside the layer are followed for later entries", "[layer_unpack]") {
  TempDir tmp;
  TarBuilder tar;
  tar.dir("usr/lib").symlink("lib", "usr/lib").file("lib/libc.so", "libc");
  const std::string dest = tmp.dir("layer");
  unpack_bytes(tmp, tar.build(), dest);
  CHECK(read_text(dest + "/usr/lib/libc.so") == "libc");
}

TEST_CASE("hard links whose target escapes the layer are refused", "[layer_unpack]") {
  TempDir tmp;
  const std::string outside = tmp.dir("outside");
  std::ofstream(outside + "/secret") << "secret";
  TarBuilder dotdot;
  dotdot.hard_link("passwd", "../../etc/passwd");
  CHECK_THROWS_WITH(unpack_bytes(tmp, dotdot.build(), tmp.dir("layer-dotdot")),
                    "layer entry \"passwd\": hard link target escapes the layer directory");
  TarBuilder absolute;
  absolute.hard_link("passwd", "/etc/passwd");
  CHECK_THROWS_WITH(unpack_bytes(tmp, absolute.build(), tmp.dir("layer-abs")),
                    "layer entry \"passwd\": hard link target escapes the layer directory");
  TarBuilder via_symlink;
  via_symlink.symlink("evil", outside).hard_link("stolen", "evil/secret");
  CHECK_THROWS_WITH(unpack_bytes(tmp, via_symlink.build(), tmp.dir("layer-link")),
                    "layer entry \"stolen\": hard link target \"evil/secret\": path escapes the layer directory");
  CHECK(lstat_of(outside + "/secret").st_nlink == 1);
}

TEST_CASE("input that is not a tar archive is refused with a clear error", "[layer_unpack]") {
  TempDir tmp;
  const std::string not_tar = "this is not a layer\n" + std::string(2000, 'z');
  CHECK_THROWS_WITH(unpack_bytes(tmp, not_tar, tmp.dir("plain")), "not a tar archive (gzip, zstd or plain tar expected)");
  CHECK_THROWS_WITH(unpack_bytes(tmp, "", tmp.dir("empty")), "not a tar archive (gzip, zstd or plain tar expected)");
  CHECK(fs::is_empty(tmp.path() + "/plain"));
}

TEST_CASE("an empty tar (docker's empty layer, 1024 zero bytes) is an empty layer, plain or gzip", "[layer_unpack]") {
  TempDir tmp;
  const std::string empty_tar(1024, '\0');
  UnpackedLayer plain = unpack_bytes(tmp, empty_tar, tmp.dir("empty-plain"));
  CHECK(plain.diff_id == "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");
  CHECK(plain.tar_size == 1024);
  CHECK(fs::is_empty(tmp.path() + "/empty-plain"));
  UnpackedLayer gzip = unpack_bytes(tmp, stack::testing::gzip(empty_tar), tmp.dir("empty-gzip"));
  CHECK(gzip.diff_id == plain.diff_id);
}

TEST_CASE("a truncated gzip layer is an error, not a shorter layer", "[layer_unpack]") {
  TempDir tmp;
  const std::string gzip = sample_layer().build(Compression::Gzip);
  const std::string cut = gzip.substr(0, gzip.size() - 12);
  CHECK_THROWS_WITH(unpack_bytes(tmp, cut, tmp.dir("layer")),
                    "layer entry \"./usr/bin/tool\": read layer: truncated gzip input");
  CHECK_THROWS_WITH(digest_bytes(tmp, cut), "read layer: truncated gzip input");
  const std::string zstd = sample_layer().build(Compression::Zstd);
  CHECK_THROWS_WITH(digest_bytes(tmp, zstd.substr(0, zstd.size() / 2)), Catch::StartsWith("read layer: "));
}

TEST_CASE("non-ASCII entry names are written byte for byte", "[layer_unpack]") {
  TempDir tmp;
  TarBuilder tar;
  tar.file("caf\xc3\xa9/men\xc3\xbc.txt", "utf-8").file("latin1-\xe9", "not utf-8");
  const std::string dest = tmp.dir("layer");
  unpack_bytes(tmp, tar.build(), dest);
  CHECK(read_text(dest + "/caf\xc3\xa9/men\xc3\xbc.txt") == "utf-8");
  CHECK(read_text(dest + "/latin1-\xe9") == "not utf-8");
}

TEST_CASE("overlay's own xattrs in the archive are not applied: only whiteout conversion sets them", "[layer_unpack]") {
  TempDir tmp;
  TarBuilder tar;
  tar.add(TarEntry("sneaky/", S_IFDIR).with_xattr("trusted.overlay.opaque", "y").with_xattr("user.kept", "1"));
  const std::string dest = tmp.dir("layer");
  unpack_bytes(tmp, tar.build(), dest);
  CHECK(xattr_of(dest + "/sneaky", "trusted.overlay.opaque") == std::string("<") + std::strerror(ENODATA) + ">");
  CHECK(xattr_of(dest + "/sneaky", "user.kept") == "1");
}
