#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "engine/volumes_from.hpp"

using namespace stack::engine;

namespace {

runtime::Spec source_spec() {
  runtime::Spec s;
  s.mounts = {
      {"/data", "bind", "/var/lib/stack/volumes/db/_data", {"rbind", "rprivate"}},
      {"/conf", "bind", "/srv/conf", {"rbind", "ro", "rprivate"}},
      {"/sbin/docker-init", "bind", "/usr/bin/tini-static", {"bind", "ro", "rprivate"}},
      {"/etc/hosts", "bind", "/var/lib/stack/containers/abc/hosts", {"rbind", "rprivate"}},
      {"/tmp", "tmpfs", "tmpfs", {"size=1m"}},
  };
  return s;
}

}  // namespace

TEST_CASE("volumes-from inherits the user's binds and volumes, with their modes unless told", "[engine]") {
  const runtime::Spec s = source_spec();
  const std::string dir = "/var/lib/stack/containers/abc";
  InheritedMounts same = inherited_mounts(s, {"db"}, dir, "");
  CHECK(same.volumes == std::vector<std::string>{"/var/lib/stack/volumes/db/_data:/data", "/srv/conf:/conf:ro"});
  CHECK(same.names == std::vector<std::string>{"db"});
  CHECK(inherited_mounts(s, {"db"}, dir, "ro").volumes ==
        std::vector<std::string>{"/var/lib/stack/volumes/db/_data:/data:ro", "/srv/conf:/conf:ro"});
  CHECK(inherited_mounts(s, {"db"}, dir, "rw").volumes ==
        std::vector<std::string>{"/var/lib/stack/volumes/db/_data:/data", "/srv/conf:/conf"});
}

TEST_CASE("volumes-from values are a container and an optional ro or rw", "[engine]") {
  CHECK(parse_volumes_from("web") == std::pair<std::string, std::string>{"web", ""});
  CHECK(parse_volumes_from("web:ro") == std::pair<std::string, std::string>{"web", "ro"});
  CHECK(parse_volumes_from("web:rw") == std::pair<std::string, std::string>{"web", "rw"});
  REQUIRE_THROWS_WITH(parse_volumes_from("web:z"), "invalid --volumes-from \"web:z\": mode \"z\" is not ro or rw");
}
