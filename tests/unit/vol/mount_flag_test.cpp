#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "vol/mount_flag.hpp"

using namespace stack::vol;

namespace {

struct Specs {
  std::vector<std::string> volumes, tmpfs;
};

Specs expand(const std::string& spec) {
  Specs s;
  add_mount_flag(spec, s.volumes, s.tmpfs);
  return s;
}

}  // namespace

TEST_CASE("a --mount of type=volume is a named volume spec, volume being the default type", "[vol]") {
  CHECK(expand("type=volume,source=data,target=/data").volumes == std::vector<std::string>{"data:/data"});
  CHECK(expand("src=data,dst=/data,readonly").volumes == std::vector<std::string>{"data:/data:ro"});
  CHECK(expand("source=data,destination=/data,ro=false,volume-nocopy").volumes ==
        std::vector<std::string>{"data:/data:nocopy"});
  CHECK(expand("source=data,target=/data,readonly,volume-nocopy=false").volumes == std::vector<std::string>{"data:/data:ro"});
}

TEST_CASE("a --mount of type=bind is a host path spec with its propagation", "[vol]") {
  CHECK(expand("type=bind,source=/srv,target=/s,readonly=true,bind-propagation=rshared").volumes ==
        std::vector<std::string>{"/srv:/s:ro,rshared"});
}

TEST_CASE("a --mount of type=tmpfs is a --tmpfs spec with its size and mode", "[vol]") {
  const Specs s = expand("type=tmpfs,target=/run,tmpfs-size=1048576,tmpfs-mode=1770");
  CHECK(s.tmpfs == std::vector<std::string>{"/run:size=1048576,mode=1770"});
  CHECK(s.volumes.empty());
  CHECK(expand("type=tmpfs,dst=/t").tmpfs == std::vector<std::string>{"/t"});
}

TEST_CASE("wrong --mount specs are errors naming the spec and the cause", "[vol]") {
  REQUIRE_THROWS_WITH(expand("source=data"), "invalid --mount \"source=data\": target is required");
  REQUIRE_THROWS_WITH(expand("type=npipe,target=/x"), "invalid --mount \"type=npipe,target=/x\": unknown mount type \"npipe\"");
  REQUIRE_THROWS_WITH(expand("target=/x"), "invalid --mount \"target=/x\": anonymous volumes are not supported yet");
  REQUIRE_THROWS_WITH(expand("type=bind,source=rel,target=/x"),
                      "invalid --mount \"type=bind,source=rel,target=/x\": the bind source \"rel\" must be absolute");
  REQUIRE_THROWS_WITH(expand("src=a,target=/x,colour=red"), "invalid --mount \"src=a,target=/x,colour=red\": unknown key \"colour\"");
  REQUIRE_THROWS_WITH(expand("src=a,target=/x,ro=maybe"), "invalid --mount \"src=a,target=/x,ro=maybe\": invalid boolean \"maybe\"");
  REQUIRE_THROWS_WITH(expand("type=tmpfs,src=a,target=/x"), "invalid --mount \"type=tmpfs,src=a,target=/x\": a tmpfs mount has no source");
}
