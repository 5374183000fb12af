#include <catch2/catch.hpp>

#include <string>

#include "base/sha256.hpp"

TEST_CASE("sha256_hex matches the published vectors, fed whole or in pieces", "[sha256]") {
  CHECK(stack::base::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(stack::base::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  stack::base::Sha256 h;
  const std::string million(1000000, 'a');
  h.update(million.data(), 400000);
  h.update(std::string_view(million).substr(400000));
  CHECK(h.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
