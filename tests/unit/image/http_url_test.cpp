#include <catch2/catch.hpp>

#include "engine/image/base64.hpp"
#include "engine/image/http_url.hpp"

using namespace stack::engine::image;

TEST_CASE("the authority of a URL drops the scheme, userinfo and path", "[http-url]") {
  CHECK(url_authority("https://user:pw@Reg.Example.com:5000/v2/x?q=1") == "Reg.Example.com:5000");
  CHECK(url_authority("http://127.0.0.1:5000") == "127.0.0.1:5000");
  CHECK(url_authority("http://[::1]:5000/v2/") == "[::1]:5000");
}

TEST_CASE("URLs on the same scheme, host and port share an origin", "[http-url]") {
  CHECK(url_origin("https://Reg.example.com/v2/a") == url_origin("https://reg.example.com/v2/b?x"));
  CHECK(url_origin("https://reg.example.com/v2/") != url_origin("http://reg.example.com/v2/"));
  CHECK(url_origin("http://127.0.0.1:5000/a") != url_origin("http://127.0.0.1:5001/a"));
  CHECK(url_origin("http://127.0.0.1:5000/a") != url_origin("http://localhost:5000/a"));
}

TEST_CASE("a Location is resolved against the URL that sent it", "[http-url]") {
  CHECK(resolve_location("http://h:1/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u1?_state=s") ==
        "http://h:1/v2/a/blobs/uploads/u1?_state=s");
  CHECK(resolve_location("http://h:1/v2/a/blobs/x", "https://s3.example/b?sig=1") == "https://s3.example/b?sig=1");
  CHECK(resolve_location("http://h:1/v2/a/blobs/x?y=/z", "other") == "http://h:1/v2/a/blobs/other");
}

TEST_CASE("query parameters are appended with ? then &", "[http-url]") {
  CHECK(append_query("http://h/upload", "digest=sha256:x") == "http://h/upload?digest=sha256:x");
  CHECK(append_query("http://h/upload?_state=s", "digest=d") == "http://h/upload?_state=s&digest=d");
}

TEST_CASE("percent-encoding keeps only unreserved characters", "[http-url]") {
  CHECK(percent_encode("repository:a/b:pull,push") == "repository%3Aa%2Fb%3Apull%2Cpush");
  CHECK(percent_encode("A-z_0.9~") == "A-z_0.9~");
  CHECK(percent_encode("a b") == "a%20b");
}

TEST_CASE("base64 matches the RFC 4648 test vectors both ways", "[http-url]") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded) == std::optional<std::string>(plain));
  }
  CHECK(base64_decode("dXNlcjpwYXNz") == std::optional<std::string>("user:pass"));
  CHECK(base64_decode("not base64!") == std::nullopt);
  CHECK(base64_decode("abcde") == std::nullopt);
}
