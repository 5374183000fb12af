#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/runtime/overlay.hpp"
#include "engine/runtime/rootfs.hpp"
#include "runtime/mount_namespace_child.hpp"
#include "support/busybox_rootfs.hpp"

using namespace stack::engine::runtime;
using stack::testing::BusyboxRootfs;
using stack::testing::Report;
using stack::testing::run_in_mount_namespace;
namespace fs = std::filesystem;

namespace {

constexpr long kMqueueMagic = 0x19800202;

std::string yes_no(bool b) { return b ? "yes" : "no"; }

bool exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

// "ok" or the error text of creating and writing `path`.
std::string try_write(const std::string& path, const std::string& text = "x") {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return strerror(errno);
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  close(fd);
  return ok ? "ok" : strerror(err);
}

// "ok" or the error of opening for writing only: nothing is written, so a protection
// that failed cannot change the host's settings.
std::string try_open_for_write(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return strerror(errno);
  close(fd);
  return "ok";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// How many of the first 16 bytes of `path` can be read (the real /proc/kcore is huge).
ssize_t read_prefix(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  char buf[16];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  return n;
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string fs_size(const std::string& path) {
  struct statfs st {};
  if (statfs(path.c_str(), &st) != 0) return strerror(errno);
  return std::to_string(static_cast<uint64_t>(st.f_blocks) * st.f_bsize);
}

bool mount_flag(const std::string& path, unsigned long flag) {
  struct statvfs st {};
  return statvfs(path.c_str(), &st) == 0 && (st.f_flag & flag) != 0;
}

std::string node(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return strerror(errno);
  std::string type = S_ISCHR(st.st_mode) ? "c" : S_ISBLK(st.st_mode) ? "b" : S_ISDIR(st.st_mode) ? "d" : "f";
  if (type == "c" || type == "b")
    type += " " + std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
  char mode[8];
  snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
  return type + " " + mode + " " + std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid);
}

// A spec for the fixture's single layer with a fresh upper and work dir.
Spec container_spec(const BusyboxRootfs& fixture) {
  Spec spec;
  spec.root.lower_dirs = {fixture.dir()};
  spec.root.upper_dir = fixture.scratch("upper");
  spec.root.work_dir = fixture.scratch("work");
  return spec;
}

// mount_rootfs + setup_rootfs + finish_rootfs in a child, then `observe` inside the container.
Report run_container(const BusyboxRootfs& fixture, const Spec& spec, const std::function<void(Report&)>& observe) {
  const std::string target = fixture.scratch("rootfs");
  return run_in_mount_namespace([&](Report& r) {
    mount_rootfs(spec.root, target);
    setup_rootfs(spec, target);
    finish_rootfs(spec);
    observe(r);
  });
}

// Everything the test mounted died with the child's namespace.
void check_nothing_left(const BusyboxRootfs& fixture) {
  CHECK(stack::testing::mounts_mentioning(fixture.base()).empty());
}

}  // namespace

TEST_CASE("a container rootfs has busybox, its own proc, a read-only sys and a working dev", "[rootfs]") {
  BusyboxRootfs fixture;
  Spec spec = container_spec(fixture);
  spec.shm_size = 8 << 20;
  const std::string host_base = fixture.base();
  Report r = run_container(fixture, spec, [&](Report& r) {
    r["busybox"] = yes_no(exists("/bin/busybox"));
    r["host base visible"] = yes_no(exists(host_base));
    r["proc self"] = yes_no(exists("/proc/self/status"));
    r["sys read-only"] = yes_no(mount_flag("/sys", ST_RDONLY));
    r["sys kernel"] = yes_no(exists("/sys/kernel"));
    r["dev null"] = node("/dev/null");
    r["dev null write"] = try_write("/dev/null");
    r["dev zero"] = node("/dev/zero");
    r["dev full write"] = try_write("/dev/full");
    r["dev urandom"] = node("/dev/urandom");
    r["dev tty"] = node("/dev/tty");
    r["dev fd"] = fs::read_symlink("/dev/fd").string();
    r["dev stderr"] = fs::read_symlink("/dev/stderr").string();
    r["dev ptmx"] = fs::read_symlink("/dev/ptmx").string();
    r["dev pts ptmx"] = node("/dev/pts/ptmx");
    int pty = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    r["open ptmx"] = pty >= 0 ? "ok" : strerror(errno);
    if (pty >= 0) close(pty);
    r["dev shm size"] = fs_size("/dev/shm");
    r["dev shm"] = node("/dev/shm").substr(0, 6);
    r["dev shm noexec"] = yes_no(mount_flag("/dev/shm", ST_NOEXEC));
    struct statfs mq {};
    r["dev mqueue"] = yes_no(statfs("/dev/mqueue", &mq) == 0 && mq.f_type == kMqueueMagic);
    r["write /"] = try_write("/written-by-container", "hello");
  });
  CHECK(r == Report{
                 {"busybox", "yes"},
                 {"host base visible", "no"},
                 {"proc self", "yes"},
                 {"sys read-only", "yes"},
                 {"sys kernel", "yes"},
                 {"dev null", "c 1:3 0666 0:0"},
                 {"dev null write", "ok"},
                 {"dev zero", "c 1:5 0666 0:0"},
                 {"dev full write", "No space left on device"},
                 {"dev urandom", "c 1:9 0666 0:0"},
                 {"dev tty", "c 5:0 0666 0:0"},
                 {"dev fd", "/proc/self/fd"},
                 {"dev stderr", "/proc/self/fd/2"},
                 {"dev ptmx", "pts/ptmx"},
                 {"dev pts ptmx", "c 5:2 0666 0:0"},
                 {"open ptmx", "ok"},
                 {"dev shm size", std::to_string(8 << 20)},
                 {"dev shm", "d 1777"},
                 {"dev shm noexec", "yes"},
                 {"dev mqueue", "yes"},
                 {"write /", "ok"},
             });
  CHECK(read_text(spec.root.upper_dir + "/written-by-container") == "hello");
  check_nothing_left(fixture);
}

TEST_CASE("masked paths read as nothing and read-only paths refuse writes", "[rootfs]") {
  BusyboxRootfs fixture;
  Spec spec = container_spec(fixture);
  // Docker's defaults, which include paths this kernel lacks (/proc/kcore, /proc/scsi...):
  // those are skipped. /proc/keys, /proc/timer_list and /sys/firmware exist here.
  REQUIRE(exists("/proc/keys"));
  REQUIRE(exists("/proc/timer_list"));
  REQUIRE(exists("/sys/firmware"));
  Report r = run_container(fixture, spec, [&](Report& r) {
    r["keys"] = node("/proc/keys");
    r["keys content"] = std::to_string(read_prefix("/proc/keys"));
    r["timer_list"] = node("/proc/timer_list");
    r["firmware"] = node("/sys/firmware").substr(0, 1);
    r["firmware empty"] = yes_no(fs::is_empty("/sys/firmware"));
    r["firmware read-only"] = yes_no(mount_flag("/sys/firmware", ST_RDONLY));
    r["proc sys"] = try_open_for_write("/proc/sys/kernel/hostname");
    r["proc irq"] = try_open_for_write("/proc/irq/default_smp_affinity");
    r["proc sys noexec"] = yes_no(mount_flag("/proc/sys", ST_NOEXEC));
    r["proc stays writable"] = yes_no(!mount_flag("/proc", ST_RDONLY));
    r["dev core"] = yes_no(exists("/dev/core") == exists("/proc/kcore"));
  });
  CHECK(r == Report{
                 {"keys", "c 1:3 0666 0:0"},
                 {"keys content", "0"},
                 {"timer_list", "c 1:3 0666 0:0"},
                 {"firmware", "d"},
                 {"firmware empty", "yes"},
                 {"firmware read-only", "yes"},
                 {"proc sys", "Read-only file system"},
                 {"proc irq", "Read-only file system"},
                 {"proc sys noexec", "yes"},
                 {"proc stays writable", "yes"},
                 {"dev core", "yes"},
             });
  check_nothing_left(fixture);
}

TEST_CASE("explicit masked and read-only paths replace Docker's defaults", "[rootfs]") {
  BusyboxRootfs fixture;
  Spec spec = container_spec(fixture);
  spec.masked_paths = {"/proc/timer_list", "/proc/does-not-exist"};
  spec.readonly_paths = {"/proc/irq"};
  Report r = run_container(fixture, spec, [&](Report& r) {
    r["timer_list"] = node("/proc/timer_list").substr(0, 1);
    r["keys"] = node("/proc/keys").substr(0, 1);
    r["proc irq"] = try_open_for_write("/proc/irq/default_smp_affinity");
    r["proc sys read-only"] = yes_no(mount_flag("/proc/sys", ST_RDONLY));
  });
  CHECK(r == Report{{"timer_list", "c"}, {"keys", "f"}, {"proc irq", "Read-only file system"}, {"proc sys read-only", "no"}});
  check_nothing_left(fixture);
}

TEST_CASE("a privileged container has no masked paths, a writable sys and the host's devices", "[rootfs]") {
  BusyboxRootfs fixture;
  Spec spec = container_spec(fixture);
  spec.privileged = true;
  REQUIRE(exists("/dev/kmsg"));
  const std::string host_kmsg = node("/dev/kmsg");
  Report r = run_container(fixture, spec, [&](Report& r) {
    r["keys"] = node("/proc/keys").substr(0, 1);
    r["sys read-only"] = yes_no(mount_flag("/sys", ST_RDONLY));
    r["proc sys read-only"] = yes_no(mount_flag("/proc/sys", ST_RDONLY));
    r["kmsg"] = node("/dev/kmsg");
    r["dev null"] = node("/dev/null");
  });
  CHECK(r == Report{
                 {"keys", "f"},
                 {"sys read-only", "no"},
                 {"proc sys read-only", "no"},
                 {"kmsg", host_kmsg},
                 {"dev null", "c 1:3 0666 0:0"},
             });
  check_nothing_left(fixture);
}

TEST_CASE("spec mounts: tmpfs with size and mode, read-only and writable binds, a bound file", "[rootfs]") {
  BusyboxRootfs fixture;
  Spec spec = container_spec(fixture);
  const std::string ro_dir = fixture.scratch("ro-source");
  const std::string rw_dir = fixture.scratch("rw-source");
  write_text(ro_dir + "/greeting", "hi from the host");
  const std::string file = fixture.base() + "/single-file";
  write_text(file, "one file");
  spec.mounts = {
      {"/run", "tmpfs", "tmpfs", {"size=1m", "mode=0710", "nosuid"}},
      {"/ro", "bind", ro_dir, {"rbind", "ro"}},
      {"/srv/rw", "bind", rw_dir, {"rbind", "rprivate"}},
      {"/etc/single-file", "bind", file, {"bind", "ro"}},
  };
  Report r = run_container(fixture, spec, [&](Report& r) {
    r["run size"] = fs_size("/run");
    r["run mode"] = node("/run");
    r["run nosuid"] = yes_no(mount_flag("/run", ST_NOSUID));
    r["run write"] = try_write("/run/pid");
    r["ro read"] = read_text("/ro/greeting");
    r["ro write"] = try_write("/ro/new");
    r["rw write"] = try_write("/srv/rw/from-container", "written inside");
    r["file"] = read_text("/etc/single-file");
    r["file write"] = try_write("/etc/single-file");
  });
  CHECK(r == Report{
                 {"run size", std::to_string(1 << 20)},
                 {"run mode", "d 0710 0:0"},
                 {"run nosuid", "yes"},
                 {"run write", "ok"},
                 {"ro read", "hi from the host"},
                 {"ro write", "Read-only file system"},
                 {"rw write", "ok"},
                 {"file", "one file"},
                 {"file write", "Read-only file system"},
             });
  CHECK(read_text(rw_dir + "/from-container") == "written inside");
  CHECK(fs::is_empty(ro_dir) == false);
  CHECK_FALSE(exists(ro_dir + "/new"));
  check_nothing_left(fixture);
}

TEST_CASE("a mount destination behind an escaping symlink stays inside the rootfs", "[rootfs]") {
  BusyboxRootfs fixture;
  Spec spec = container_spec(fixture);
  const std::string outside = fixture.scratch("outside");
  // From the host this link leads to <base>/outside; in the container it cannot leave "/".
  fs::create_symlink("../../../../../../../../.." + outside, fixture.dir() + "/escape");
  spec.mounts = {{"/escape/inner", "tmpfs", "tmpfs", {"size=1m"}}};
  Report r = run_container(fixture, spec, [&](Report& r) {
    r["inner size"] = fs_size("/escape/inner");
    r["inner at"] = fs_size(outside + "/inner");
  });
  CHECK(r == Report{{"inner size", std::to_string(1 << 20)}, {"inner at", std::to_string(1 << 20)}});
  CHECK(fs::is_empty(outside));
  CHECK(fs::is_directory(spec.root.upper_dir + outside + "/inner"));
  check_nothing_left(fixture);
}

TEST_CASE("spec devices are made with their type, numbers, mode and owner", "[rootfs]") {
  BusyboxRootfs fixture;
  Spec spec = container_spec(fixture);
  spec.devices = {{"/dev/custom/null2", 'c', 1, 3, 0640, 1000, 29, "rwm"}, {"/dev/tty", 'c', 1, 5, 0600, 0, 0, "rwm"}};
  Report r = run_container(fixture, spec, [&](Report& r) {
    r["null2"] = node("/dev/custom/null2");
    r["tty replaced"] = node("/dev/tty");
  });
  CHECK(r == Report{{"null2", "c 1:3 0640 1000:29"}, {"tty replaced", "c 1:5 0600 0:0"}});
  check_nothing_left(fixture);
}

TEST_CASE("a read-only rootfs refuses writes to / but its tmpfs /tmp stays writable", "[rootfs]") {
  BusyboxRootfs fixture;
  Spec spec = container_spec(fixture);
  spec.root.read_only = true;
  spec.mounts = {{"/tmp", "tmpfs", "tmpfs", {"size=1m"}}, {"/data", "tmpfs", "tmpfs", {}}};
  Report r = run_container(fixture, spec, [&](Report& r) {
    r["write /"] = try_write("/new");
    r["write /etc"] = try_write("/etc/passwd");
    r["write /tmp"] = try_write("/tmp/scratch");
    r["write /data"] = try_write("/data/file");
    r["write /dev/shm"] = try_write("/dev/shm/segment");
  });
  CHECK(r == Report{
                 {"write /", "Read-only file system"},
                 {"write /etc", "Read-only file system"},
                 {"write /tmp", "ok"},
                 {"write /data", "ok"},
                 {"write /dev/shm", "ok"},
             });
  check_nothing_left(fixture);
}

TEST_CASE("one layer without an upper dir is mounted as a read-only bind", "[rootfs]") {
  BusyboxRootfs fixture;
  Spec spec;
  spec.root.lower_dirs = {fixture.dir()};
  spec.root.read_only = true;
  Report r = run_container(fixture, spec, [&](Report& r) {
    r["busybox"] = yes_no(exists("/bin/busybox"));
    r["write /"] = try_write("/new");
  });
  CHECK(r == Report{{"busybox", "yes"}, {"write /", "Read-only file system"}});
  CHECK_FALSE(exists(fixture.dir() + "/new"));
  check_nothing_left(fixture);
}

TEST_CASE("a failing mount names the mount and the cause", "[rootfs]") {
  BusyboxRootfs fixture;
  const std::string missing = fixture.base() + "/missing";
  auto error_of = [&](const Mount& mount) {
    Spec spec = container_spec(fixture);
    spec.mounts = {mount};
    Report r = run_container(fixture, spec, [](Report&) {});
    return r["error"];
  };
  CHECK(error_of({"/run", "tmpfs", "tmpfs", {"size=abc"}}) == "mount tmpfs on /run (size=abc): Invalid argument");
  CHECK(error_of({"/data", "bind", missing, {"rbind"}}) == "mount " + missing + " on /data: No such file or directory");
  CHECK(error_of({"/x", "nosuchfs", "", {}}) == "mount nosuchfs on /x: No such device");
  check_nothing_left(fixture);
}
