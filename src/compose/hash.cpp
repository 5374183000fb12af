#include "compose/hash.hpp"

#include <nlohmann/json.hpp>

#include "base/sha256.hpp"
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
  return base::sha256_hex(to_json(encode_service(s)).dump());
}

}  // namespace stack::compose
