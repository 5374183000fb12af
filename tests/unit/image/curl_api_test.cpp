#include <catch2/catch.hpp>

#include <string>

#include "engine/image/curl_api.hpp"

using namespace stack::engine::image;

TEST_CASE("libcurl is opened at run time and its functions resolve", "[curl]") {
  const CurlApi& api = curl_api();
  CHECK(std::string(api.version()).starts_with("libcurl/"));
  CHECK(&curl_api() == &api);  // loaded once
  CURL* handle = api.easy_init();
  REQUIRE(handle != nullptr);
  api.easy_cleanup(handle);
}
