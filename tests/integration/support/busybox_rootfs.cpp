#include "support/busybox_rootfs.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace stack::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBusybox = "/bin/busybox";

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("write " + path.string());
}

std::string applet_list() {
  FILE* p = popen("/bin/busybox --list", "r");
  if (!p) throw std::runtime_error("busybox --list");
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  if (pclose(p) != 0) throw std::runtime_error("busybox --list failed (is busybox-static installed?)");
  return out;
}

}  // namespace

BusyboxRootfs::BusyboxRootfs() {
  std::string templ = (fs::temp_directory_path() / "stack-rootfs-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp " + templ);
  base_ = templ;
  layer_ = base_ + "/layer";
  for (const char* dir : {"bin", "etc", "proc", "sys", "dev", "tmp", "root", "home/tester", "var/empty"})
    fs::create_directories(fs::path(layer_) / dir);
  fs::permissions(fs::path(layer_) / "tmp", fs::perms::all | fs::perms::sticky_bit);
  fs::copy_file(kBusybox, fs::path(layer_) / "bin/busybox");
  std::istringstream applets(applet_list());
  for (std::string name; std::getline(applets, name);)
    if (!name.empty() && name != "busybox") fs::create_symlink("busybox", fs::path(layer_) / "bin" / name);
  write(fs::path(layer_) / "etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\n"
        "tester:x:1000:1000:tester:/home/tester:/bin/sh\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
  write(fs::path(layer_) / "etc/group",
        "root:x:0:\n"
        "audio:x:29:tester\n"
        "tester:x:1000:\n"
        "nogroup:x:65534:\n");
  fs::path home = fs::path(layer_) / "home/tester";
  if (chown(home.c_str(), 1000, 1000) != 0) throw std::runtime_error("chown " + home.string());
}

BusyboxRootfs::~BusyboxRootfs() {
  std::error_code ec;
  fs::remove_all(base_, ec);
}

std::string BusyboxRootfs::scratch(const std::string& name) const {
  fs::path dir = fs::path(base_) / name;
  fs::create_directories(dir);
  return dir.string();
}

}  // namespace stack::testing
