#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "base/error.hpp"
#include "engine/image/digest.hpp"

using namespace stack::engine::image;

TEST_CASE("sha256 of known inputs matches the published vectors", "[digest]") {
  CHECK(sha256_digest("") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_digest("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("streaming sha256 in pieces equals the one-shot digest", "[digest]") {
  Sha256 h;
  h.update("a");
  h.update("bc");
  CHECK(h.digest() == sha256_digest("abc"));
}

TEST_CASE("sha256 of a file equals the digest of its content", "[digest]") {
  auto path = std::filesystem::temp_directory_path() / ("digest-test-" + std::to_string(::getpid()));
  std::string content(200000, 'x');
  std::ofstream(path) << content;
  CHECK(sha256_file_digest(path) == sha256_digest(content));
  std::filesystem::remove(path);
  CHECK_THROWS_AS(sha256_file_digest(path), stack::Error);
}

TEST_CASE("digest syntax is checked strictly", "[digest]") {
  std::string good = "sha256:" + std::string(64, 'a');
  CHECK(is_sha256_digest(good));
  CHECK(digest_hex(good) == std::string(64, 'a'));
  CHECK_FALSE(is_sha256_digest("sha256:" + std::string(63, 'a')));
  CHECK_FALSE(is_sha256_digest("sha256:" + std::string(64, 'A')));
  CHECK_FALSE(is_sha256_digest("sha512:" + std::string(64, 'a')));
  CHECK_THROWS_WITH(digest_hex("sha256:zz"), "invalid digest \"sha256:zz\"");
}
