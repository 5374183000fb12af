#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "base/error.hpp"
#include "engine/image/reference.hpp"

using namespace stack::engine::image;

namespace {

const std::string kHex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kDigest = "sha256:" + kHex;

// The message parse_reference throws for `text`, or "" when it parses.
std::string parse_error(const std::string& text) {
  try {
    parse_reference(text);
  } catch (const stack::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a single-component name is an official image on docker.io with tag latest", "[reference]") {
  Reference r = parse_reference("nginx");
  CHECK(r.domain == "docker.io");
  CHECK(r.path == "library/nginx");
  CHECK(r.tag == "latest");
  CHECK(r.digest.empty());
  CHECK(r.repository() == "docker.io/library/nginx");
  CHECK(r.string() == "docker.io/library/nginx:latest");
  CHECK(r.familiar() == "nginx:latest");
  CHECK(r.familiar_name() == "nginx");
}

TEST_CASE("references normalize as docker's ParseNormalizedNamed and TagNameOnly do", "[reference]") {
  struct Case {
    std::string text, domain, path, tag, digest, string, familiar;
  };
  const Case cases[] = {
      {"nginx:1.25", "docker.io", "library/nginx", "1.25", "", "docker.io/library/nginx:1.25", "nginx:1.25"},
      {"user/app:1", "docker.io", "user/app", "1", "", "docker.io/user/app:1", "user/app:1"},
      {"user/team/app", "docker.io", "user/team/app", "latest", "", "docker.io/user/team/app:latest",
       "user/team/app:latest"},
      {"docker.io/nginx", "docker.io", "library/nginx", "latest", "", "docker.io/library/nginx:latest",
       "nginx:latest"},
      {"docker.io/library/nginx:alpine", "docker.io", "library/nginx", "alpine", "",
       "docker.io/library/nginx:alpine", "nginx:alpine"},
      {"index.docker.io/nginx", "docker.io", "library/nginx", "latest", "", "docker.io/library/nginx:latest",
       "nginx:latest"},
      {"index.docker.io/user/app:2", "docker.io", "user/app", "2", "", "docker.io/user/app:2", "user/app:2"},
      {"localhost/x", "localhost", "x", "latest", "", "localhost/x:latest", "localhost/x:latest"},
      {"localhost:5000/app", "localhost:5000", "app", "latest", "", "localhost:5000/app:latest",
       "localhost:5000/app:latest"},
      {"127.0.0.1:5000/team/app:v2", "127.0.0.1:5000", "team/app", "v2", "", "127.0.0.1:5000/team/app:v2",
       "127.0.0.1:5000/team/app:v2"},
      {"a.b/c/d:e", "a.b", "c/d", "e", "", "a.b/c/d:e", "a.b/c/d:e"},
      {"registry.example.com/app", "registry.example.com", "app", "latest", "",
       "registry.example.com/app:latest", "registry.example.com/app:latest"},
      {"myhost:443/app", "myhost:443", "app", "latest", "", "myhost:443/app:latest", "myhost:443/app:latest"},
      {"[::1]:5000/app:1", "[::1]:5000", "app", "1", "", "[::1]:5000/app:1", "[::1]:5000/app:1"},
      {"[fe80::1]/app", "[fe80::1]", "app", "latest", "", "[fe80::1]/app:latest", "[fe80::1]/app:latest"},
      {"Registry.Example.com/app", "Registry.Example.com", "app", "latest", "",
       "Registry.Example.com/app:latest", "Registry.Example.com/app:latest"},
      // Official images with a nested path keep their "library/" in the familiar form.
      {"library/a/b", "docker.io", "library/a/b", "latest", "", "docker.io/library/a/b:latest",
       "library/a/b:latest"},
      // A first component without '.' or ':' is a Docker Hub namespace, not a host.
      {"myregistry/app", "docker.io", "myregistry/app", "latest", "", "docker.io/myregistry/app:latest",
       "myregistry/app:latest"},
      // Without a '/', "localhost:5000" is the official image "localhost" with tag "5000".
      {"localhost:5000", "docker.io", "library/localhost", "5000", "", "docker.io/library/localhost:5000",
       "localhost:5000"},
      {"app@" + kDigest, "docker.io", "library/app", "", kDigest, "docker.io/library/app@" + kDigest,
       "app@" + kDigest},
      {"app:1@" + kDigest, "docker.io", "library/app", "1", kDigest, "docker.io/library/app:1@" + kDigest,
       "app:1@" + kDigest},
      {"localhost:5000/app@" + kDigest, "localhost:5000", "app", "", kDigest, "localhost:5000/app@" + kDigest,
       "localhost:5000/app@" + kDigest},
      {"a-b_c__d/f--g.h_i:T.a-g_1", "docker.io", "a-b_c__d/f--g.h_i", "T.a-g_1", "",
       "docker.io/a-b_c__d/f--g.h_i:T.a-g_1", "a-b_c__d/f--g.h_i:T.a-g_1"},
      // A digest without a name is docker's official image "sha256" with a 64-character tag.
      {kDigest, "docker.io", "library/sha256", kHex, "", "docker.io/library/" + kDigest, kDigest},
      {"nginx:_private", "docker.io", "library/nginx", "_private", "", "docker.io/library/nginx:_private",
       "nginx:_private"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    Reference r = parse_reference(c.text);
    CHECK(r.domain == c.domain);
    CHECK(r.path == c.path);
    CHECK(r.tag == c.tag);
    CHECK(r.digest == c.digest);
    CHECK(r.string() == c.string);
    CHECK(r.familiar() == c.familiar);
  }
}

TEST_CASE("familiar_name drops docker.io and library/ only", "[reference]") {
  CHECK(parse_reference("nginx@" + kDigest).familiar_name() == "nginx");
  CHECK(parse_reference("user/app:1").familiar_name() == "user/app");
  CHECK(parse_reference("localhost:5000/app:1").familiar_name() == "localhost:5000/app");
  CHECK(parse_reference("quay.io/library/app").familiar_name() == "quay.io/library/app");
}

TEST_CASE("a normalized reference parses back to itself", "[reference]") {
  for (const std::string& text : std::vector<std::string>{"nginx", "user/app:1", "localhost:5000/app", "app:1@" + kDigest, "a.b/c/d:e"}) {
    INFO(text);
    Reference r = parse_reference(text);
    CHECK(parse_reference(r.string()) == r);
    CHECK(parse_reference(r.familiar()) == r);
  }
}

TEST_CASE("uppercase in the repository name is rejected with docker's message", "[reference]") {
  CHECK(parse_error("Nginx") == "invalid reference format: repository name (library/Nginx) must be lowercase");
  CHECK(parse_error("user/App:1") == "invalid reference format: repository name (user/App) must be lowercase");
  CHECK(parse_error("localhost:5000/App") == "invalid reference format: repository name (App) must be lowercase");
  // An uppercase first component has no '.' or ':', so it is a Docker Hub namespace.
  CHECK(parse_error("Foo/bar") == "invalid reference format: repository name (Foo/bar) must be lowercase");
  CHECK(parse_error("Nginx@" + kDigest) ==
        "invalid reference format: repository name (library/Nginx) must be lowercase");
}

TEST_CASE("tags allow uppercase but follow [\\w][\\w.-]{0,127}", "[reference]") {
  CHECK(parse_reference("nginx:Latest").tag == "Latest");
  CHECK(parse_reference("nginx:" + std::string(128, 'a')).tag == std::string(128, 'a'));
  CHECK(parse_error("nginx:" + std::string(129, 'a')) ==
        "invalid reference format: invalid tag \"" + std::string(129, 'a') + "\" in \"nginx:" +
            std::string(129, 'a') + "\"");
  CHECK(parse_error("nginx:-x") == "invalid reference format: invalid tag \"-x\" in \"nginx:-x\"");
  CHECK(parse_error("nginx:.x") == "invalid reference format: invalid tag \".x\" in \"nginx:.x\"");
  CHECK(parse_error("nginx:") == "invalid reference format: invalid tag \"\" in \"nginx:\"");
  CHECK(parse_error("nginx:a+b") == "invalid reference format: invalid tag \"a+b\" in \"nginx:a+b\"");
  CHECK(parse_error("nginx:1:2") == "invalid reference format: invalid tag \"1:2\" in \"nginx:1:2\"");
  // With a '/' after it, "nginx:a" is a first component with a ':', so a registry host.
  CHECK(parse_error("nginx:a/b") == "invalid reference format: invalid registry host \"nginx:a\" in \"nginx:a/b\"");
}

TEST_CASE("path components follow docker's grammar", "[reference]") {
  for (std::string good : {"a", "a0", "a.b", "a_b", "a__b", "a-b", "a---b", "a.b-c_d__e", "0/1/2"}) {
    INFO(good);
    CHECK(parse_error("x.io/" + good).empty());
  }
  for (std::string bad : {"a..b", "a___b", "a._b", "_a", "a_", "a-", "-a", ".a", "a.", "a//b", "a/", "a b",
                          "a$b"}) {
    INFO(bad);
    CHECK(parse_error("x.io/" + bad) ==
          "invalid reference format: invalid repository name \"" + bad + "\" in \"x.io/" + bad + "\"");
  }
}

TEST_CASE("registry hosts follow docker's grammar", "[reference]") {
  CHECK(parse_error("-x.io/app") == "invalid reference format: invalid registry host \"-x.io\" in \"-x.io/app\"");
  CHECK(parse_error("x-.io/app") == "invalid reference format: invalid registry host \"x-.io\" in \"x-.io/app\"");
  CHECK(parse_error("x..io/app") == "invalid reference format: invalid registry host \"x..io\" in \"x..io/app\"");
  CHECK(parse_error("x.io:/app") == "invalid reference format: invalid registry host \"x.io:\" in \"x.io:/app\"");
  CHECK(parse_error("x.io:ab/app") ==
        "invalid reference format: invalid registry host \"x.io:ab\" in \"x.io:ab/app\"");
  CHECK(parse_error("[::1/app") == "invalid reference format: invalid registry host \"[::1\" in \"[::1/app\"");
  CHECK(parse_error("[]:5000/app") ==
        "invalid reference format: invalid registry host \"[]:5000\" in \"[]:5000/app\"");
  CHECK(parse_error("/app") == "invalid reference format: invalid repository name \"/app\" in \"/app\"");
  CHECK(parse_error("x.io/") == "invalid reference format: invalid repository name \"\" in \"x.io/\"");
}

TEST_CASE("digests must be sha256 with 64 lowercase hex digits", "[reference]") {
  std::string upper = "sha256:" + std::string(64, 'A');
  CHECK(parse_error("app@" + upper) ==
        "invalid reference format: invalid digest \"" + upper + "\" in \"app@" + upper + "\"");
  CHECK(parse_error("app@sha256:abc") == "invalid reference format: invalid digest \"sha256:abc\" in \"app@sha256:abc\"");
  CHECK(parse_error("app@") == "invalid reference format: invalid digest \"\" in \"app@\"");
  CHECK(parse_error("app@" + kHex) ==
        "invalid reference format: invalid digest \"" + kHex + "\" in \"app@" + kHex + "\"");
  std::string sha512 = "sha512:" + std::string(128, 'a');
  CHECK(parse_error("app@" + sha512) == "invalid reference format: unsupported digest algorithm in \"app@" + sha512 + "\"");
  CHECK(parse_error("app@" + kDigest + "@" + kDigest).rfind("invalid reference format: invalid digest", 0) == 0);
}

TEST_CASE("empty, image-id and over-long references are rejected", "[reference]") {
  CHECK(parse_error("") == "invalid reference format: the reference is empty");
  CHECK(parse_error(kHex) == "invalid reference format: invalid repository name (" + kHex +
                                 "), cannot specify 64-byte hexadecimal strings");
  // The whole name (domain included) may be 255 characters.
  std::string path_ok(255 - std::string("x.io/").size(), 'a');
  CHECK(parse_reference("x.io/" + path_ok).repository().size() == 255);
  std::string too_long = "x.io/" + path_ok + "a";
  CHECK(parse_error(too_long) ==
        "invalid reference format: repository name (" + too_long + ") must not be more than 255 characters");
  // docker.io/library/ counts too.
  std::string hub(255 - std::string("docker.io/library/").size() + 1, 'a');
  CHECK(parse_error(hub).find("must not be more than 255 characters") != std::string::npos);
  CHECK(parse_error("nginx ") == "invalid reference format: invalid repository name \"library/nginx \" in \"nginx \"");
}

TEST_CASE("parse errors carry a hint about the grammar", "[reference]") {
  try {
    parse_reference("nginx:-x");
    FAIL("expected an error");
  } catch (const stack::Error& e) {
    CHECK_FALSE(e.hint().empty());
  }
}

TEST_CASE("image ids are 64 lowercase hex digits, or a prefix when allowed", "[reference]") {
  CHECK(looks_like_image_id(kHex));
  CHECK(looks_like_image_id(kDigest));
  CHECK_FALSE(looks_like_image_id(kHex.substr(0, 12)));
  CHECK(looks_like_image_id(kHex.substr(0, 12), true));
  CHECK(looks_like_image_id("3", true));
  CHECK(looks_like_image_id("sha256:3f2a", true));
  CHECK_FALSE(looks_like_image_id("", true));
  CHECK_FALSE(looks_like_image_id("sha256:", true));
  CHECK_FALSE(looks_like_image_id(kHex + "0", true));
  CHECK_FALSE(looks_like_image_id(std::string(64, 'A')));
  CHECK_FALSE(looks_like_image_id("nginx", true));
  CHECK_FALSE(looks_like_image_id("sha512:" + kHex));
}
