#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "compose/syntax.hpp"

using Catch::Matchers::Equals;
using stack::compose::BindOptions;
using stack::compose::parse_volume_spec;
using stack::compose::ServiceVolume;
using stack::compose::VolumeOptions;

namespace {

BindOptions created_bind() {
  BindOptions bind;
  bind.create_host_path = true;
  return bind;
}

}  // namespace

TEST_CASE("volume spec with only a target is an anonymous volume", "[syntax][volumes]") {
  ServiceVolume v = parse_volume_spec("/data");
  CHECK(v.type == "volume");
  CHECK(v.source.empty());
  CHECK(v.target == "/data");
  CHECK(v.volume == VolumeOptions{});
  CHECK_FALSE(v.bind);
}

TEST_CASE("volume spec of one or two characters has no volume options, as in compose-go", "[syntax][volumes]") {
  ServiceVolume v = parse_volume_spec("/a");
  CHECK(v.type == "volume");
  CHECK(v.target == "/a");
  CHECK_FALSE(v.volume);
}

TEST_CASE("volume spec with a name source is a named volume", "[syntax][volumes]") {
  ServiceVolume v = parse_volume_spec("db:/var/lib/db");
  CHECK(v.type == "volume");
  CHECK(v.source == "db");
  CHECK(v.target == "/var/lib/db");
  CHECK(v.volume == VolumeOptions{});
  CHECK_FALSE(v.bind);
  CHECK_FALSE(v.read_only);
}

TEST_CASE("volume spec with a path source is a bind that creates the host path", "[syntax][volumes]") {
  for (const char* source : {"/host", "./rel", "../up", "~/x", ".", "~"}) {
    ServiceVolume v = parse_volume_spec(std::string(source) + ":/c");
    INFO(source);
    CHECK(v.type == "bind");
    CHECK(v.source == source);
    CHECK(v.target == "/c");
    CHECK(v.bind == created_bind());
    CHECK_FALSE(v.volume);
  }
}

TEST_CASE("volume spec reads ro and rw with the last one winning", "[syntax][volumes]") {
  CHECK(parse_volume_spec("/h:/c:ro").read_only);
  CHECK_FALSE(parse_volume_spec("/h:/c:rw").read_only);
  CHECK_FALSE(parse_volume_spec("/h:/c:ro,rw").read_only);
  CHECK(parse_volume_spec("/h:/c:rw,ro").read_only);
}

TEST_CASE("volume spec maps z and Z to bind selinux", "[syntax][volumes]") {
  ServiceVolume v = parse_volume_spec("/h:/c:ro,z");
  CHECK(v.read_only);
  REQUIRE(v.bind);
  CHECK(v.bind->selinux == "z");
  CHECK(v.bind->create_host_path == true);
  CHECK(parse_volume_spec("/h:/c:Z").bind->selinux == "Z");
}

TEST_CASE("volume spec maps propagation options to bind propagation", "[syntax][volumes]") {
  for (const char* mode : {"shared", "slave", "private", "rshared", "rslave", "rprivate"}) {
    INFO(mode);
    ServiceVolume v = parse_volume_spec(std::string("/h:/c:") + mode);
    REQUIRE(v.bind);
    CHECK(v.bind->propagation == mode);
  }
}

TEST_CASE("volume spec maps nocopy to volume nocopy", "[syntax][volumes]") {
  ServiceVolume v = parse_volume_spec("name:/data:nocopy");
  CHECK(v.type == "volume");
  REQUIRE(v.volume);
  CHECK(v.volume->nocopy);
}

TEST_CASE("volume spec keeps bind options on a named volume like compose-go", "[syntax][volumes]") {
  ServiceVolume v = parse_volume_spec("name:/data:z");
  CHECK(v.type == "volume");
  REQUIRE(v.bind);
  CHECK(v.bind->selinux == "z");
  CHECK_FALSE(v.bind->create_host_path);
  CHECK(v.volume == VolumeOptions{});
}

TEST_CASE("volume spec ignores consistency and unknown options like compose-go", "[syntax][volumes]") {
  for (const char* option : {"cached", "delegated", "consistent", "U", "noexec"}) {
    INFO(option);
    ServiceVolume v = parse_volume_spec(std::string("/h:/c:") + option);
    CHECK(v.consistency.empty());
    CHECK(v.bind == created_bind());
    CHECK_FALSE(v.read_only);
  }
}

TEST_CASE("volume spec cleans the target path", "[syntax][volumes]") {
  CHECK(parse_volume_spec("/h:/data/").target == "/data");
  CHECK(parse_volume_spec("/h:/a/./b/../c").target == "/a/c");
  CHECK(parse_volume_spec("//x//y").target == "/x/y");
  CHECK(parse_volume_spec("/h:/..").target == "/");
}

TEST_CASE("volume spec does not split inside ${...}", "[syntax][volumes]") {
  ServiceVolume v = parse_volume_spec("${A:-/x}:/data");
  CHECK(v.source == "${A:-/x}");
  CHECK(v.target == "/data");
}

TEST_CASE("volume spec errors use compose-go's wording", "[syntax][volumes]") {
  CHECK_THROWS_WITH(parse_volume_spec(""), Equals("invalid empty volume spec"));
  CHECK_THROWS_WITH(parse_volume_spec("/a::/b"), Equals("invalid spec: /a::/b: empty section between colons"));
  CHECK_THROWS_WITH(parse_volume_spec(":/data"), Equals("invalid spec: :/data: empty section between colons"));
  CHECK_THROWS_WITH(parse_volume_spec("/h:/c:"), Equals("invalid spec: /h:/c:: empty section between colons"));
  CHECK_THROWS_WITH(parse_volume_spec("/h:/c:ro:z"), Equals("invalid spec: /h:/c:ro:z: too many colons"));
}

TEST_CASE("volume spec rejects a target that is not absolute", "[syntax][volumes]") {
  CHECK_THROWS_WITH(parse_volume_spec("name:data"),
                    Equals("invalid spec: name:data: invalid mount path: 'data' mount path must be absolute"));
  CHECK_THROWS_WITH(parse_volume_spec("ab"), Equals("invalid spec: ab: invalid mount path: 'ab' mount path must be absolute"));
  // compose-go reads a one-letter source as a Windows drive, so "a:/data" is one target.
  CHECK_THROWS_WITH(parse_volume_spec("a:/data"),
                    Equals("invalid spec: a:/data: invalid mount path: 'a:/data' mount path must be absolute"));
  CHECK_THROWS_AS(parse_volume_spec("x:y"), stack::Error);
}
