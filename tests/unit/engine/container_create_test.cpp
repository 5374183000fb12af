#include <catch2/catch.hpp>

#include <unistd.h>

#include <climits>
#include <filesystem>
#include <fstream>

#include "engine/container_create.hpp"
#include "engine/runtime/capabilities.hpp"

using namespace stack::engine;
namespace fs = std::filesystem;

namespace {

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

// A unique temporary directory with a root filesystem and a host directory to bind.
struct Sandbox {
  std::string dir;
  Sandbox() {
    std::string t = (fs::temp_directory_path() / "stack-create-XXXXXX").string();
    dir = mkdtemp(t.data());
    fs::create_directories(dir + "/rootfs");
    fs::create_directories(dir + "/data");
    std::ofstream(dir + "/profile.json") << "{}";
  }
  ~Sandbox() { fs::remove_all(dir); }
  Layout layout() const { return Layout(Roots{dir + "/root", dir + "/run"}); }
  CreateRequest request() const {
    CreateRequest r;
    r.rootfs = dir + "/rootfs";
    r.command = {"sh"};
    return r;
  }
  ContainerDefinition define(const CreateRequest& r) const { return define_container(r, layout(), kId); }
};

const runtime::Mount* find_mount(const runtime::Spec& spec, const std::string& destination) {
  for (const auto& m : spec.mounts)
    if (m.destination == destination) return &m;
  return nullptr;
}

}  // namespace

TEST_CASE("a minimal request gets Docker's defaults", "[create]") {
  Sandbox box;
  const ContainerDefinition d = box.define(box.request());
  const runtime::Spec& s = d.spec;
  CHECK(s.root.lower_dirs == std::vector<std::string>{box.layout().init_layer_dir(), box.dir + "/rootfs"});
  CHECK(s.root.upper_dir == box.layout().upper_dir(kId));
  CHECK(s.root.work_dir == box.layout().work_dir(kId));
  CHECK_FALSE(s.root.read_only);
  CHECK(s.process.args == std::vector<std::string>{"sh"});
  CHECK(s.process.env.empty());
  CHECK(s.process.cwd == "/");
  CHECK_FALSE(s.process.terminal);
  CHECK_FALSE(s.process.no_new_privileges);
  CHECK(s.process.capabilities == runtime::resolve_capabilities({}, {}, false));
  CHECK(s.namespaces == std::vector<runtime::Namespace>{
                           {"mount", ""}, {"uts", ""}, {"ipc", ""}, {"pid", ""}, {"cgroup", ""}, {"network", ""}});
  CHECK(s.hostname == "0123456789ab");
  CHECK(s.mounts.empty());
  CHECK(s.devices.empty());
  CHECK(s.resources == runtime::Resources{});
  CHECK(s.shm_size == 64 * 1024 * 1024);
  CHECK(s.cgroup_parent == "stack");
  CHECK(s.seccomp_profile.empty());
  CHECK_FALSE(s.privileged);

  ContainerConfig expected;
  expected.id = kId;
  expected.rootfs = box.dir + "/rootfs";
  CHECK(d.config == expected);  // name and created are the caller's; SIGTERM, 10 s, restart no
}

TEST_CASE("an image's layers become the lower dirs", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.rootfs.clear();
  r.image = "busybox:latest";
  r.lower_dirs = {"/layers/b", "/layers/a"};
  r.name = "web";
  r.read_only = true;
  const ContainerDefinition d = box.define(r);
  // The init layer above the image's: its mount points made once for every container.
  CHECK(d.spec.root.lower_dirs == std::vector<std::string>{box.layout().init_layer_dir(), "/layers/b", "/layers/a"});
  CHECK(d.spec.root.read_only);
  CHECK(d.config.image == "busybox:latest");
  CHECK(d.config.rootfs.empty());
  CHECK(d.config.name == "web");
}

TEST_CASE("the filesystem to run from must be given once and exist", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.image = "busybox";
  REQUIRE_THROWS_WITH(box.define(r), "give either an image or a root filesystem, not both");
  r.rootfs.clear();
  r.image.clear();
  REQUIRE_THROWS_WITH(box.define(r), "no image or root filesystem given");
  r.rootfs = box.dir + "/missing";
  REQUIRE_THROWS_WITH(box.define(r), "root filesystem " + box.dir + "/missing: not a directory");
  r.rootfs.clear();
  r.image = "scratch";
  REQUIRE_THROWS_WITH(box.define(r), "image scratch: no layers to run from");
}

TEST_CASE("the process runs entrypoint then command, under tini with --init", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.entrypoint = {"/bin/echo"};
  r.command = {"hello", "world"};
  CHECK(box.define(r).spec.process.args == std::vector<std::string>{"/bin/echo", "hello", "world"});
  r.init = true;
  const ContainerDefinition d = box.define(r);
  CHECK(d.spec.process.args == std::vector<std::string>{"/sbin/docker-init", "--", "/bin/echo", "hello", "world"});
  CHECK(d.spec.mounts == std::vector<runtime::Mount>{
                             {"/sbin/docker-init", "bind", "/usr/bin/tini-static", {"bind", "ro", "rprivate"}}});
  CHECK(d.config.init);
  r.entrypoint.clear();
  r.command.clear();
  REQUIRE_THROWS_WITH(box.define(r), "no command specified");
}

TEST_CASE("a later variable replaces an earlier one in its first place", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.env = {"A=1", "B=2", "UNSET", "A=3", "AB=4", "C="};
  CHECK(box.define(r).spec.process.env == std::vector<std::string>{"A=3", "B=2", "AB=4", "C="});
  r.env = {"=x"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --env \"=x\": the variable name is empty");
}

TEST_CASE("workdir, user, groups and terminal reach the process", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.workdir = "/srv/app/";
  r.user = "1000:1000";
  r.group_add = {"audio"};
  r.tty = true;
  r.stdin_open = true;
  const ContainerDefinition d = box.define(r);
  CHECK(d.spec.process.cwd == "/srv/app");
  CHECK(d.spec.process.user == "1000:1000");
  CHECK(d.spec.process.group_add == std::vector<std::string>{"audio"});
  CHECK(d.spec.process.terminal);
  CHECK(d.config.tty);
  CHECK(d.config.stdin_open);
  r.workdir = "app";
  REQUIRE_THROWS_WITH(box.define(r), "invalid --workdir \"app\": must be an absolute path");
}

TEST_CASE("capabilities follow cap-add, cap-drop and privileged", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.cap_drop = {"chown", "NET_RAW"};
  r.cap_add = {"CAP_SYS_PTRACE"};
  CHECK(box.define(r).spec.process.capabilities == runtime::resolve_capabilities(r.cap_add, r.cap_drop, false));
  r.privileged = true;
  const ContainerDefinition d = box.define(r);
  CHECK(d.spec.process.capabilities == runtime::host_capabilities());
  CHECK(d.spec.privileged);
  r.privileged = false;
  r.cap_add = {"CAP_FOO"};
  REQUIRE_THROWS_WITH(box.define(r), "unknown capability \"CAP_FOO\"");
}

TEST_CASE("the network is new, the host's or a namespace to join", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.network = "host";
  ContainerDefinition d = box.define(r);
  CHECK(d.spec.namespaces ==
        std::vector<runtime::Namespace>{{"mount", ""}, {"uts", ""}, {"ipc", ""}, {"pid", ""}, {"cgroup", ""}});
  char host[HOST_NAME_MAX + 1] = {};
  gethostname(host, HOST_NAME_MAX);
  CHECK(d.spec.hostname == host);
  r.network = "/run/stack/netns/abc";
  r.hostname = "web";
  r.domainname = "example.org";
  d = box.define(r);
  CHECK(d.spec.namespaces.back() == runtime::Namespace{"network", "/run/stack/netns/abc"});
  CHECK(d.spec.hostname == "web");
  CHECK(d.spec.domainname == "example.org");
  r.network = "bridge";
  REQUIRE_THROWS_WITH(box.define(r),
                      "invalid --network \"bridge\": use none, host, or the path of a network namespace");
  r.network = "none";
  r.hostname = std::string(65, 'h');
  REQUIRE_THROWS_WITH(box.define(r), Catch::EndsWith(": longer than 64 characters"));
}

TEST_CASE("sysctls are copied when they stay inside the container", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.sysctls = {{"net.core.somaxconn", "1024"}, {"kernel.shmmax", "100"}, {"fs.mqueue.msg_max", "20"}};
  CHECK(box.define(r).spec.sysctl == r.sysctls);
  r.network = "host";
  REQUIRE_THROWS_WITH(box.define(r), "invalid --sysctl \"net.core.somaxconn=1024\": not allowed with the host's "
                                     "network namespace");
  r.network = "none";
  r.sysctls = {{"vm.swappiness", "10"}};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --sysctl \"vm.swappiness=10\": not namespaced: it would change the host");
}

TEST_CASE("volumes are recursive binds, private unless told, parents first", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  const std::string data = box.dir + "/data";
  r.volumes = {data + "/:/srv/data/sub:ro", data + ":/srv/data/:rw,rshared", data + ":/cache:z"};
  const ContainerDefinition d = box.define(r);
  CHECK(d.spec.mounts == std::vector<runtime::Mount>{
                             {"/cache", "bind", data, {"rbind", "rprivate"}},
                             {"/srv/data", "bind", data, {"rbind", "rshared"}},
                             {"/srv/data/sub", "bind", data, {"rbind", "ro", "rprivate"}},
                         });
}

TEST_CASE("a volume must name an existing absolute host path", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.volumes = {"data:/data"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --volume \"data:/data\": the host path \"data\" must be absolute "
                                     "(named volumes are not supported)");
  r.volumes = {box.dir + "/nope:/data"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --volume \"" + box.dir + "/nope:/data\": the host path " + box.dir +
                                         "/nope: No such file or directory");
  r.volumes = {box.dir + "/data:data"};
  REQUIRE_THROWS_WITH(box.define(r), Catch::EndsWith("the container path \"data\" must be absolute"));
  r.volumes = {box.dir + "/data:/data:rx"};
  REQUIRE_THROWS_WITH(box.define(r), Catch::EndsWith(": invalid mode \"rx\""));
  r.volumes = {"/data"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --volume \"/data\": expected /host/path:/container/path[:options]");
  r.volumes = {box.dir + "/data:/data"};
  r.tmpfs = {"/data"};
  REQUIRE_THROWS_WITH(box.define(r), "duplicate mount point: /data");
}

TEST_CASE("tmpfs mounts are noexec, nosuid, nodev unless told, sizes in bytes", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.tmpfs = {"/run", "/tmp:size=1.5m,mode=1777,exec", "/half:size=50%"};
  const ContainerDefinition d = box.define(r);
  CHECK(*find_mount(d.spec, "/run") == runtime::Mount{"/run", "tmpfs", "tmpfs", {"noexec", "nosuid", "nodev"}});
  CHECK(find_mount(d.spec, "/tmp")->options ==
        std::vector<std::string>{"noexec", "nosuid", "nodev", "size=1572864", "mode=1777", "exec"});
  CHECK(find_mount(d.spec, "/half")->options.back() == "size=50%");
  r.tmpfs = {"/run:color=blue"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --tmpfs \"/run:color=blue\": invalid tmpfs option \"color=blue\"");
  r.tmpfs = {"/run:size=12q"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --tmpfs \"/run:size=12q\": invalid suffix: 'q'");
}

TEST_CASE("devices take their type and numbers from the host node", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.devices = {"/dev/null", "/dev/zero:/dev/nothing", "/dev/full:r", "/dev/null:/dev/n2:rw"};
  const ContainerDefinition d = box.define(r);
  REQUIRE(d.spec.devices.size() == 4);
  const runtime::Device& null = d.spec.devices[0];
  CHECK(null.path == "/dev/null");
  CHECK(null.type == 'c');
  CHECK(null.major == 1);
  CHECK(null.minor == 3);
  CHECK(null.file_mode == 0666);
  CHECK(null.permissions == "rwm");
  CHECK(d.spec.devices[1].path == "/dev/nothing");
  CHECK(d.spec.devices[1].minor == 5);
  CHECK(d.spec.devices[2].path == "/dev/full");
  CHECK(d.spec.devices[2].permissions == "r");
  CHECK(d.spec.devices[3].path == "/dev/n2");
  CHECK(d.spec.devices[3].permissions == "rw");
  r.devices = {"/dev/stack-missing"};
  REQUIRE_THROWS_WITH(box.define(r),
                      "invalid --device \"/dev/stack-missing\": /dev/stack-missing: No such file or directory");
  r.devices = {box.dir + "/data"};
  REQUIRE_THROWS_WITH(box.define(r), Catch::EndsWith("/data is not a character or block device"));
}

TEST_CASE("security options set no-new-privileges and the seccomp profile", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.security_opt = {"no-new-privileges"};
  CHECK(box.define(r).spec.process.no_new_privileges);
  r.security_opt = {"no-new-privileges:true", "no-new-privileges=false"};
  CHECK_FALSE(box.define(r).spec.process.no_new_privileges);
  r.security_opt = {"seccomp=unconfined"};
  CHECK(box.define(r).spec.seccomp_profile == "unconfined");
  r.security_opt = {"seccomp:" + box.dir + "/profile.json"};
  CHECK(box.define(r).spec.seccomp_profile == box.dir + "/profile.json");
  r.security_opt = {"seccomp=" + box.dir + "/none.json"};
  REQUIRE_THROWS_WITH(box.define(r), Catch::EndsWith("none.json: No such file or directory"));
  r.security_opt = {"apparmor=unconfined"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --security-opt \"apparmor=unconfined\": unknown security option");
  r.security_opt = {"no-new-privileges:yes"};
  REQUIRE_THROWS_WITH(box.define(r), Catch::EndsWith("no-new-privileges takes true or false"));
}

TEST_CASE("ulimits are docker's names with soft and hard limits", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.ulimits = {"nofile=1024:2048", "core=-1", "nproc=10", "nproc=20:30"};
  CHECK(box.define(r).spec.process.rlimits == std::vector<runtime::Rlimit>{{"nofile", 1024, 2048},
                                                                           {"core", ~0ULL, ~0ULL},
                                                                           {"nproc", 20, 30}});
  r.ulimits = {"nofile=2048:1024"};
  REQUIRE_THROWS_WITH(box.define(r),
                      "invalid --ulimit \"nofile=2048:1024\": the soft limit must not exceed the hard limit");
  r.ulimits = {"files=10"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --ulimit \"files=10\": unknown ulimit type \"files\"");
  r.ulimits = {"nofile=lots"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --ulimit \"nofile=lots\": \"lots\" is not a number");
}

TEST_CASE("memory sizes read as docker reads them", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.memory = "512m";
  r.memory_reservation = "100M";
  r.memory_swap = "1G";
  r.memory_swappiness = 0;
  r.oom_kill_disable = true;
  r.shm_size = "128k";
  ContainerDefinition d = box.define(r);
  CHECK(d.spec.resources.memory_limit == 512 << 20);
  CHECK(d.spec.resources.memory_reservation == 100 << 20);
  CHECK(d.spec.resources.memory_swap == 1 << 30);
  CHECK(d.spec.resources.memory_swappiness == 0);
  CHECK(d.spec.resources.oom_kill_disable);
  CHECK(d.spec.shm_size == 128 << 10);
  r.memory = "1073741824";
  r.memory_swap = "-1";
  d = box.define(r);
  CHECK(d.spec.resources.memory_limit == 1 << 30);
  CHECK(d.spec.resources.memory_swap == -1);
}

TEST_CASE("wrong memory values name the flag and the value", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.memory = "12q";
  REQUIRE_THROWS_WITH(box.define(r), "invalid --memory \"12q\": invalid suffix: 'q'");
  r.memory = "1m";
  REQUIRE_THROWS_WITH(box.define(r), "invalid --memory \"1m\": the minimum memory limit is 6MB");
  r.memory = "64m";
  r.memory_reservation = "128m";
  REQUIRE_THROWS_WITH(box.define(r), "invalid --memory-reservation \"128m\": must not be larger than --memory");
  r.memory_reservation.clear();
  r.memory_swap = "32m";
  REQUIRE_THROWS_WITH(box.define(r), Catch::StartsWith("invalid --memory-swap \"32m\": must be at least --memory"));
  r.memory.clear();
  REQUIRE_THROWS_WITH(box.define(r), "invalid --memory-swap \"32m\": needs --memory as well");
  r.memory_swap.clear();
  r.memory_swappiness = 101;
  REQUIRE_THROWS_WITH(box.define(r), "invalid --memory-swappiness \"101\": must be between 0 and 100");
  r.memory_swappiness.reset();
  r.shm_size = "-1";
  REQUIRE_THROWS_WITH(box.define(r), "invalid --shm-size \"-1\": invalid size: '-1'");
}

TEST_CASE("flag --cpus becomes a quota over a 100 ms period", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.cpus = "1.5";
  ContainerDefinition d = box.define(r);
  CHECK(d.spec.resources.cpu_quota == 150000);
  CHECK(d.spec.resources.cpu_period == 100000);
  r.cpus = ".25";
  CHECK(box.define(r).spec.resources.cpu_quota == 25000);
  r.cpus = "0";
  CHECK_FALSE(box.define(r).spec.resources.cpu_quota);
  r.cpus = "one";
  REQUIRE_THROWS_WITH(box.define(r), "invalid --cpus \"one\": must be a positive decimal number like 1.5");
  r.cpus = "0.001";
  REQUIRE_THROWS_WITH(box.define(r), "invalid --cpus \"0.001\": the minimum is 0.01");
  r.cpus = "1";
  r.cpu_quota = 50000;
  REQUIRE_THROWS_WITH(box.define(r), "invalid --cpus \"1\": conflicts with --cpu-quota and --cpu-period");
}

TEST_CASE("cpu, cpuset, pids and blkio values are checked and copied", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.cpu_shares = 512;
  r.cpu_quota = 20000;
  r.cpu_period = 50000;
  r.cpuset_cpus = "0-1,3";
  r.cpuset_mems = "0";
  r.pids_limit = 100;
  r.blkio_weight = 300;
  r.oom_score_adj = -500;
  r.cgroup_parent = "mine";
  const ContainerDefinition d = box.define(r);
  const runtime::Resources& res = d.spec.resources;
  CHECK(res.cpu_shares == 512u);
  CHECK(res.cpu_quota == 20000);
  CHECK(res.cpu_period == 50000u);
  CHECK(res.cpuset_cpus == "0-1,3");
  CHECK(res.cpuset_mems == "0");
  CHECK(res.pids_limit == 100);
  CHECK(res.blkio_weight == 300);
  CHECK(d.spec.process.oom_score_adj == -500);
  CHECK(d.spec.cgroup_parent == "mine");
  r.blkio_weight = 5;
  REQUIRE_THROWS_WITH(box.define(r), "invalid --blkio-weight \"5\": must be between 10 and 1000");
  r.blkio_weight.reset();
  r.cpuset_cpus = "3-1";
  REQUIRE_THROWS_WITH(box.define(r), Catch::StartsWith("invalid --cpuset-cpus \"3-1\""));
  r.cpuset_cpus.clear();
  r.cpu_period = 100;
  REQUIRE_THROWS_WITH(box.define(r), "invalid --cpu-period \"100\": must be between 1000 and 1000000");
  r.cpu_period.reset();
  r.oom_score_adj = 2000;
  REQUIRE_THROWS_WITH(box.define(r), "invalid --oom-score-adj \"2000\": must be between -1000 and 1000");
}

TEST_CASE("the config carries what the supervisor needs", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.labels = {{"a", "b"}};
  r.restart = "on-failure:3";
  r.stop_signal = "quit";
  r.stop_timeout = 3;
  r.log_opts = {"max-size=10m", "max-file=3"};
  r.healthcheck = HealthcheckConfig{{"CMD-SHELL", "true"}, 1000, 2000, 0, 5000, 5};
  ContainerDefinition d = box.define(r);
  CHECK(d.config.labels == r.labels);
  CHECK(d.config.restart_policy == "on-failure:3");
  CHECK(d.config.stop_signal == "SIGQUIT");
  CHECK(d.config.stop_timeout == 3);
  CHECK(d.config.log == LogConfig{10000000, 3});  // json-file's max-size is decimal
  CHECK(d.config.healthcheck == r.healthcheck);
  CHECK(d.config.created.empty());
  r.auto_remove = true;
  REQUIRE_THROWS_WITH(box.define(r), "conflicting options: --restart on-failure:3 and --rm");
  r.restart = "no";
  CHECK(box.define(r).config.auto_remove);
}

TEST_CASE("the named volumes a container mounts are in its config and read back from its JSON", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.named_volumes = {"data", "cache"};
  const ContainerConfig c = box.define(r).config;
  CHECK(c.volumes == std::vector<std::string>{"data", "cache"});
  CHECK(config_from_json(config_to_json(c), "test").volumes == c.volumes);
  CHECK(config_from_json("{}", "old record").volumes.empty());
}

TEST_CASE("wrong supervisor settings are errors", "[create]") {
  Sandbox box;
  CreateRequest r = box.request();
  r.restart = "sometimes";
  REQUIRE_THROWS_WITH(box.define(r), Catch::StartsWith("invalid restart policy \"sometimes\""));
  r.restart = "no";
  r.stop_signal = "SIGNOPE";
  REQUIRE_THROWS_WITH(box.define(r), "invalid --stop-signal \"SIGNOPE\": unknown signal");
  r.stop_signal.clear();
  r.log_opts = {"max-file=0"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --log-opt \"max-file=0\": max-file must be a number of at least 1");
  r.log_opts = {"compress=true"};
  REQUIRE_THROWS_WITH(box.define(r), Catch::StartsWith("invalid --log-opt \"compress=true\": unknown log option"));
  r.log_opts = {"max-size=ten"};
  REQUIRE_THROWS_WITH(box.define(r), "invalid --log-opt \"max-size=ten\": invalid size: 'ten'");
  r.log_opts.clear();
  r.stop_timeout = -5;
  REQUIRE_THROWS_WITH(box.define(r), "invalid --stop-timeout \"-5\": must be 0 or more seconds");
}
