#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "base/error.hpp"
#include "unit/engine/fake_cgroupfs.hpp"
#include "engine/runtime/cgroup.hpp"
#include "engine/runtime/cgroup_plan.hpp"

using namespace stack::engine::runtime;
using stack::testing::FakeCgroupFs;
using Files = std::map<std::string, std::string>;

namespace {

FakeCgroupFs::Options v1_options(FakeCgroupFs::Kind kind = FakeCgroupFs::Kind::V1) {
  FakeCgroupFs::Options o;
  o.kind = kind;
  return o;
}

// The files whose content `action` changed, with their new content.
template <class Action>
Files changes(const FakeCgroupFs& fake, Action action) {
  Files before = fake.contents();
  action();
  Files out;
  for (const auto& [file, content] : fake.contents()) {
    auto it = before.find(file);
    if (it == before.end() || it->second != content) out[file] = content;
  }
  return out;
}

Resources every_field() {
  Resources r;
  r.memory_limit = 64 << 20;
  r.memory_reservation = 32 << 20;
  r.memory_swap = 96 << 20;
  r.memory_swappiness = 10;
  r.oom_kill_disable = true;
  r.cpu_shares = 1024;
  r.cpu_quota = 50000;
  r.cpu_period = 200000;
  r.cpuset_cpus = "1";
  r.cpuset_mems = "0";
  r.pids_limit = 100;
  r.blkio_weight = 500;
  r.blkio_weight_device = {{8, 0, 300}};
  r.blkio_read_bps = {{8, 0, 1048576}};
  r.blkio_write_bps = {{8, 0, 2097152}};
  r.blkio_read_iops = {{8, 0, 100}};
  r.blkio_write_iops = {{8, 0, 200}};
  return r;
}

}  // namespace

TEST_CASE("cgroup mode: a cgroup2 root is v2", "[cgroup]") {
  FakeCgroupFs fake({FakeCgroupFs::Kind::V2});
  CHECK(detect_cgroup_mode(fake.root()) == CgroupMode::V2);
}

TEST_CASE("cgroup mode: v1 controllers with a cgroup2 'unified' tree are hybrid", "[cgroup]") {
  FakeCgroupFs fake(v1_options(FakeCgroupFs::Kind::Hybrid));
  CHECK(detect_cgroup_mode(fake.root()) == CgroupMode::Hybrid);
}

TEST_CASE("cgroup mode: v1 controllers alone are v1", "[cgroup]") {
  FakeCgroupFs fake(v1_options());
  CHECK(detect_cgroup_mode(fake.root()) == CgroupMode::V1);
}

TEST_CASE("cgroup mode: a missing root is an error naming it", "[cgroup]") {
  REQUIRE_THROWS_WITH(detect_cgroup_mode("/nonexistent/cgroup"),
                      "detect cgroup mode: /nonexistent/cgroup: No such file or directory");
}

TEST_CASE("cgroup path must be relative, non-empty and stay below the root", "[cgroup]") {
  for (const char* bad : {"", "/stack/x", "stack/../../etc", ".."}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(Cgroup(CgroupMode::V1, "/sys/fs/cgroup", bad), stack::Error);
  }
  CHECK(Cgroup(CgroupMode::V1, "/sys/fs/cgroup", "stack/x").path("memory") == "/sys/fs/cgroup/memory/stack/x");
  CHECK(Cgroup(CgroupMode::V2, "/sys/fs/cgroup", "stack/x").path("memory") == "/sys/fs/cgroup/stack/x");
}

TEST_CASE("v1 create writes every limit to its controller file", "[cgroup]") {
  FakeCgroupFs fake(v1_options());
  fake.cgroup("stack/c1");
  Cgroup cg(CgroupMode::V1, fake.root(), "stack/c1");
  Files written = changes(fake, [&] { cg.create(every_field()); });
  CHECK(written == Files{
                       {"memory/stack/c1/memory.limit_in_bytes", "67108864"},
                       {"memory/stack/c1/memory.soft_limit_in_bytes", "33554432"},
                       {"memory/stack/c1/memory.memsw.limit_in_bytes", "100663296"},
                       {"memory/stack/c1/memory.swappiness", "10"},
                       {"memory/stack/c1/memory.oom_control", "1"},
                       {"cpu/stack/c1/cpu.shares", "1024"},
                       {"cpu/stack/c1/cpu.cfs_period_us", "200000"},
                       {"cpu/stack/c1/cpu.cfs_quota_us", "50000"},
                       // The parent gets its parent's cpuset (or no task could join below it).
                       {"cpuset/stack/cpuset.cpus", "0-3"},
                       {"cpuset/stack/cpuset.mems", "0"},
                       {"cpuset/stack/c1/cpuset.cpus", "1"},
                       {"cpuset/stack/c1/cpuset.mems", "0"},
                       {"pids/stack/c1/pids.max", "100"},
                       {"blkio/stack/c1/blkio.weight", "500"},
                       {"blkio/stack/c1/blkio.weight_device", "8:0 300"},
                       {"blkio/stack/c1/blkio.throttle.read_bps_device", "8:0 1048576"},
                       {"blkio/stack/c1/blkio.throttle.write_bps_device", "8:0 2097152"},
                       {"blkio/stack/c1/blkio.throttle.read_iops_device", "8:0 100"},
                       {"blkio/stack/c1/blkio.throttle.write_iops_device", "8:0 200"},
                   });
}

TEST_CASE("v1 create without limits still copies the cpuset and writes nothing else", "[cgroup]") {
  FakeCgroupFs fake(v1_options());
  fake.cgroup("stack/c1");
  Cgroup cg(CgroupMode::V1, fake.root(), "stack/c1");
  Files written = changes(fake, [&] { cg.create({}); });
  CHECK(written == Files{{"cpuset/stack/cpuset.cpus", "0-3"},
                         {"cpuset/stack/cpuset.mems", "0"},
                         {"cpuset/stack/c1/cpuset.cpus", "0-3"},
                         {"cpuset/stack/c1/cpuset.mems", "0"}});
}

TEST_CASE("v1 create skips swap without swap accounting and uses blkio.bfq.weight when that is the file", "[cgroup]") {
  FakeCgroupFs fake(v1_options());
  fake.cgroup("stack/c1");
  fake.erase("memory/stack/c1/memory.memsw.limit_in_bytes");
  fake.erase("blkio/stack/c1/blkio.weight");
  fake.erase("blkio/stack/c1/blkio.weight_device");
  fake.write("blkio/stack/c1/blkio.bfq.weight", "");
  Resources r;
  r.memory_limit = 1 << 20;
  r.memory_swap = 2 << 20;
  r.blkio_weight = 300;
  r.blkio_weight_device = {{8, 16, 700}};  // neither weight_device file exists: dropped
  Cgroup cg(CgroupMode::V1, fake.root(), "stack/c1");
  Files written = changes(fake, [&] { cg.create(r); });
  written.erase("cpuset/stack/cpuset.cpus");
  written.erase("cpuset/stack/cpuset.mems");
  written.erase("cpuset/stack/c1/cpuset.cpus");
  written.erase("cpuset/stack/c1/cpuset.mems");
  CHECK(written == Files{{"memory/stack/c1/memory.limit_in_bytes", "1048576"},
                         {"blkio/stack/c1/blkio.bfq.weight", "300"}});
  CHECK_FALSE(fake.exists("memory/stack/c1/memory.memsw.limit_in_bytes"));
}

TEST_CASE("v1 with cpu and cpuacct co-mounted makes and joins that hierarchy once", "[cgroup]") {
  FakeCgroupFs::Options o = v1_options();
  o.comount_cpu = true;
  o.v1_controllers = {"memory", "cpu", "cpuacct"};
  FakeCgroupFs fake(o);
  fake.cgroup("stack/c1");
  Cgroup cg(CgroupMode::V1, fake.root(), "stack/c1");
  Resources r;
  r.cpu_shares = 512;
  Files written = changes(fake, [&] {
    cg.create(r);
    cg.add_process(4242);
  });
  CHECK(written == Files{{"cpu,cpuacct/stack/c1/cpu.shares", "512"},
                         {"cpu,cpuacct/stack/c1/cgroup.procs", "4242"},
                         {"memory/stack/c1/cgroup.procs", "4242"}});
}

TEST_CASE("hybrid create uses the v1 controllers and leaves the unified tree alone", "[cgroup]") {
  FakeCgroupFs fake(v1_options(FakeCgroupFs::Kind::Hybrid));
  fake.cgroup("stack/c1");
  Cgroup cg(CgroupMode::Hybrid, fake.root(), "stack/c1");
  Resources r;
  r.memory_limit = 1 << 20;
  r.pids_limit = -1;
  Files written = changes(fake, [&] {
    cg.create(r);
    cg.add_process(7);
  });
  CHECK(written.at("memory/stack/c1/memory.limit_in_bytes") == "1048576");
  CHECK(written.at("pids/stack/c1/pids.max") == "max");
  CHECK(written.at("freezer/stack/c1/cgroup.procs") == "7");
  CHECK_FALSE(fake.exists("unified/stack"));
}

TEST_CASE("v1 create reports a missing controller by name", "[cgroup]") {
  FakeCgroupFs::Options o = v1_options();
  o.v1_controllers = {"memory"};
  FakeCgroupFs fake(o);
  fake.cgroup("stack/c1");
  Resources r;
  r.pids_limit = 5;
  Cgroup cg(CgroupMode::V1, fake.root(), "stack/c1");
  REQUIRE_THROWS_WITH(cg.create(r), "cgroup controller \"pids\" is not mounted at " + fake.root() + "/pids");
}

TEST_CASE("create that fails names the file and the value and removes the directories it made", "[cgroup]") {
  FakeCgroupFs::Options o = v1_options();
  o.v1_controllers = {"memory", "pids"};
  FakeCgroupFs fake(o);
  // No fake.cgroup(): create() makes empty directories, so memory.limit_in_bytes is missing.
  Resources r;
  r.memory_limit = 1000;
  Cgroup cg(CgroupMode::V1, fake.root(), "stack/c1");
  REQUIRE_THROWS_WITH(cg.create(r), "write " + fake.root() + "/memory/stack/c1/memory.limit_in_bytes \"1000\": " +
                                        "No such file or directory");
  CHECK_FALSE(fake.exists("memory/stack"));
  CHECK_FALSE(fake.exists("pids/stack"));
}

TEST_CASE("v2 create enables the controllers down the chain and converts the limits", "[cgroup]") {
  FakeCgroupFs fake({FakeCgroupFs::Kind::V2});
  fake.cgroup("stack/c1");
  Cgroup cg(CgroupMode::V2, fake.root(), "stack/c1");
  Files written = changes(fake, [&] { cg.create(every_field()); });
  CHECK(written == Files{
                       {"cgroup.subtree_control", "+cpuset +cpu +io +memory +pids"},
                       {"stack/cgroup.subtree_control", "+cpuset +cpu +io +memory +pids"},
                       {"stack/c1/memory.max", "67108864"},
                       {"stack/c1/memory.low", "33554432"},
                       {"stack/c1/memory.swap.max", "33554432"},  // memory+swap minus memory
                       {"stack/c1/cpu.weight", "39"},             // 1 + (1024-2)*9999/262142
                       {"stack/c1/cpu.max", "50000 200000"},
                       {"stack/c1/cpuset.cpus", "1"},
                       {"stack/c1/cpuset.mems", "0"},
                       {"stack/c1/pids.max", "100"},
                       {"stack/c1/io.weight", "8:0 2930"},  // the last write; the first set the default weight
                       {"stack/c1/io.max", "8:0 rbps=1048576 wbps=2097152 riops=100 wiops=200"},
                   });
}

TEST_CASE("v2 create does not enable controllers that are on already or not offered", "[cgroup]") {
  FakeCgroupFs fake({FakeCgroupFs::Kind::V2});
  fake.cgroup("stack/c1");
  fake.write("cgroup.controllers", "cpu memory pids\n");
  fake.write("cgroup.subtree_control", "memory\n");
  fake.write("stack/cgroup.subtree_control", "cpuset cpu io memory pids\n");
  Cgroup cg(CgroupMode::V2, fake.root(), "stack/c1");
  Files written = changes(fake, [&] { cg.create({}); });
  CHECK(written == Files{{"cgroup.subtree_control", "+cpu +pids"}});
}

TEST_CASE("v2 writes the blkio weight to io.bfq.weight unchanged when the kernel has it", "[cgroup]") {
  FakeCgroupFs fake({FakeCgroupFs::Kind::V2});
  fake.cgroup("stack/c1");
  fake.write("stack/c1/io.bfq.weight", "");
  Resources r;
  r.blkio_weight = 500;
  Cgroup cg(CgroupMode::V2, fake.root(), "stack/c1");
  cg.create(r);
  CHECK(fake.read("stack/c1/io.bfq.weight") == "500");
  CHECK(fake.read("stack/c1/io.weight").empty());
}

TEST_CASE("v2 plan: io.max has one line per device with all its limits", "[cgroup]") {
  Resources r;
  r.blkio_read_bps = {{8, 0, 10}, {8, 16, 20}};
  r.blkio_write_iops = {{8, 16, 30}};
  r.blkio_weight = 500;
  r.blkio_weight_device = {{8, 0, 1000}};
  using W = CgroupWrite;
  CHECK(v2_cgroup_writes(r) == std::vector<W>{
                                   {"", {{"io.bfq.weight", "500"}, {"io.weight", "4950"}}, true},
                                   {"", {{"io.bfq.weight", "8:0 1000"}, {"io.weight", "8:0 10000"}}, true},
                                   {"", {{"io.max", "8:0 rbps=10"}}, false},
                                   {"", {{"io.max", "8:16 rbps=20 wiops=30"}}, false},
                               });
}

TEST_CASE("v2 plan: cpu.max defaults the period and writes max for no quota", "[cgroup]") {
  Resources quota_only;
  quota_only.cpu_quota = 25000;
  CHECK(v2_cgroup_writes(quota_only) == std::vector<CgroupWrite>{{"", {{"cpu.max", "25000 100000"}}, false}});
  Resources unlimited;
  unlimited.cpu_quota = -1;
  unlimited.cpu_period = 50000;
  CHECK(v2_cgroup_writes(unlimited) == std::vector<CgroupWrite>{{"", {{"cpu.max", "max 50000"}}, false}});
}

TEST_CASE("v2 plan: swap is memory+swap minus memory, max for -1, an error without a memory limit", "[cgroup]") {
  CHECK(v2_swap_max(-1, std::nullopt) == "max");
  CHECK(v2_swap_max(300, 100) == "200");
  CHECK(v2_swap_max(100, 100) == "0");
  CHECK_THROWS_WITH(v2_swap_max(300, std::nullopt), "memory+swap limit 300 needs a memory limit");
  CHECK_THROWS_WITH(v2_swap_max(50, 100), "memory+swap limit 50 is below the memory limit 100");
  Resources unlimited;
  unlimited.memory_limit = -1;
  CHECK(v2_cgroup_writes(unlimited) == std::vector<CgroupWrite>{{"", {{"memory.max", "max"}}, false},
                                                                {"", {{"memory.swap.max", "max"}}, true}});
}

TEST_CASE("v1 to v2 conversions match runc", "[cgroup]") {
  CHECK(cpu_shares_to_weight(0) == 0);
  CHECK(cpu_shares_to_weight(2) == 1);
  CHECK(cpu_shares_to_weight(1024) == 39);
  CHECK(cpu_shares_to_weight(262144) == 10000);
  CHECK(blkio_weight_to_io_weight(10) == 1);
  CHECK(blkio_weight_to_io_weight(500) == 4950);
  CHECK(blkio_weight_to_io_weight(1000) == 10000);
}

TEST_CASE("pids lists the processes in cgroup.procs", "[cgroup]") {
  FakeCgroupFs fake(v1_options());
  fake.cgroup("stack/c1");
  fake.write("memory/stack/c1/cgroup.procs", "12\n345\n");
  CHECK(Cgroup(CgroupMode::V1, fake.root(), "stack/c1").pids() == std::vector<pid_t>{12, 345});
  fake.write("memory/stack/c1/cgroup.procs", "");
  CHECK(Cgroup(CgroupMode::V1, fake.root(), "stack/c1").pids().empty());
}

TEST_CASE("oom_killed reads the oom_kill counter of memory.oom_control (v1) and memory.events (v2)", "[cgroup]") {
  FakeCgroupFs v1(v1_options());
  v1.cgroup("stack/c1");
  Cgroup c1(CgroupMode::V1, v1.root(), "stack/c1");
  v1.write("memory/stack/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
  CHECK_FALSE(c1.oom_killed());
  v1.write("memory/stack/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  CHECK(c1.oom_killed());
  v1.write("memory/stack/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 1\n");  // before 4.13
  CHECK_FALSE(c1.oom_killed());

  FakeCgroupFs v2({FakeCgroupFs::Kind::V2});
  v2.cgroup("stack/c1");
  Cgroup c2(CgroupMode::V2, v2.root(), "stack/c1");
  v2.write("stack/c1/memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 0\n");
  CHECK_FALSE(c2.oom_killed());
  v2.write("stack/c1/memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
  CHECK(c2.oom_killed());
}

TEST_CASE("memory_usage reads usage_in_bytes (v1) and memory.current (v2)", "[cgroup]") {
  FakeCgroupFs v1(v1_options());
  v1.cgroup("stack/c1");
  v1.write("memory/stack/c1/memory.usage_in_bytes", "4096\n");
  CHECK(Cgroup(CgroupMode::V1, v1.root(), "stack/c1").memory_usage() == 4096);
  v1.write("memory/stack/c1/memory.usage_in_bytes", "lots\n");
  CHECK_THROWS_WITH(Cgroup(CgroupMode::V1, v1.root(), "stack/c1").memory_usage(),
                    "read " + v1.root() + "/memory/stack/c1/memory.usage_in_bytes: not a number: \"lots\"");
  FakeCgroupFs v2({FakeCgroupFs::Kind::V2});
  v2.cgroup("stack/c1");
  v2.write("stack/c1/memory.current", "8192\n");
  CHECK(Cgroup(CgroupMode::V2, v2.root(), "stack/c1").memory_usage() == 8192);
}

TEST_CASE("v1 freeze and thaw write freezer.state", "[cgroup]") {
  FakeCgroupFs fake(v1_options());
  fake.cgroup("stack/c1");
  Cgroup cg(CgroupMode::V1, fake.root(), "stack/c1");
  cg.freeze();
  CHECK(fake.read("freezer/stack/c1/freezer.state") == "FROZEN");
  CHECK(cg.frozen());
  cg.thaw();
  CHECK(fake.read("freezer/stack/c1/freezer.state") == "THAWED");
  CHECK_FALSE(cg.frozen());
}

TEST_CASE("v2 freeze writes cgroup.freeze and waits for cgroup.events to say frozen", "[cgroup]") {
  FakeCgroupFs fake({FakeCgroupFs::Kind::V2});
  fake.cgroup("stack/c1");
  fake.write("stack/c1/cgroup.events", "populated 1\nfrozen 1\n");  // as the kernel would answer
  Cgroup cg(CgroupMode::V2, fake.root(), "stack/c1");
  cg.freeze();
  CHECK(fake.read("stack/c1/cgroup.freeze") == "1");
  CHECK(cg.frozen());
  cg.thaw();
  CHECK(fake.read("stack/c1/cgroup.freeze") == "0");
}

TEST_CASE("remove deletes the directory in every controller and is idempotent", "[cgroup]") {
  FakeCgroupFs::Options o = v1_options();
  o.v1_controllers = {"memory", "pids", "freezer"};
  FakeCgroupFs fake(o);
  Cgroup cg(CgroupMode::V1, fake.root(), "stack/c1");
  cg.create({});  // on the fake: empty directories, which rmdir can remove
  REQUIRE(fake.exists("pids/stack/c1"));
  cg.remove();
  for (const char* dir : {"memory/stack/c1", "pids/stack/c1", "freezer/stack/c1"}) CHECK_FALSE(fake.exists(dir));
  CHECK(fake.exists("memory/stack"));  // the parent is shared with other containers
  CHECK_NOTHROW(cg.remove());
}

TEST_CASE("remove tries every controller and reports every failure at once", "[cgroup]") {
  FakeCgroupFs::Options o = v1_options();
  o.v1_controllers = {"memory", "pids", "freezer"};
  FakeCgroupFs fake(o);
  fake.cgroup("stack/c1");  // directories with files: rmdir fails
  fake.erase("pids/stack/c1/pids.max");
  fake.erase("pids/stack/c1/cgroup.procs");  // this one is empty and goes
  Cgroup cg(CgroupMode::V1, fake.root(), "stack/c1");
  std::string r = fake.root();
  REQUIRE_THROWS_WITH(cg.remove(), "remove cgroup stack/c1: rmdir " + r + "/memory/stack/c1: Directory not empty; rmdir " +
                                       r + "/freezer/stack/c1: Directory not empty");
  CHECK_FALSE(fake.exists("pids/stack/c1"));
}

TEST_CASE("device access: docker's defaults plus the spec's devices, privileged allows all", "[cgroup]") {
  Spec spec;
  Device d;
  d.path = "/dev/fuse";
  d.type = 'c';
  d.major = 10;
  d.minor = 229;
  d.permissions = "rw";
  spec.devices.push_back(d);
  const DeviceAccess access = device_access(spec);
  CHECK_FALSE(access.allow_all);
  CHECK(access.allow.front() == "c *:* m");
  CHECK(std::count(access.allow.begin(), access.allow.end(), "c 1:3 rwm") == 1);
  CHECK(std::count(access.allow.begin(), access.allow.end(), "c 136:* rwm") == 1);
  CHECK(access.allow.back() == "c 10:229 rw");
  spec.privileged = true;
  CHECK(device_access(spec).allow_all);
}
