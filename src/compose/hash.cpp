#include "compose/hash.hpp"

// SHA-256 straight from OpenSSL's implementation, not through EVP: EVP's first digest
// sets up the default provider, 1.7 ms of every `up` (the config hashes are its only
// digests). The low-level functions are deprecated in OpenSSL 3, not removed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <nlohmann/json.hpp>

#include "compose/codec.hpp"

namespace stack::compose {
namespace {

// Node -> JSON with sorted keys (nlohmann's object is ordered), so the text is canonical.
nlohmann::json to_json(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null: return nullptr;
    case Node::Kind::Scalar: return n.value;
    case Node::Kind::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const Node& item : n.items) arr.push_back(to_json(item));
      return arr;
    }
    case Node::Kind::Mapping: {
      nlohmann::json obj = nlohmann::json::object();
      for (const Entry& e : n.entries) obj[e.key] = to_json(e.value);
      return obj;
    }
  }
  return nullptr;
}

std::string sha256_hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(digest, &ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace

std::string service_config_hash(const Service& service) {
  Service s = service;
  s.scale.reset();
  if (s.deploy) {
    s.deploy->replicas.reset();
    if (*s.deploy == Deploy{}) s.deploy.reset();  // `deploy: {replicas: n}` alone says nothing else
  }
  s.depends_on.clear();
  s.profiles.clear();
  s.build.reset();
  s.pull_policy.clear();
  return sha256_hex(to_json(encode_service(s)).dump());
}

}  // namespace stack::compose
