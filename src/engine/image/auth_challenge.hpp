// WWW-Authenticate challenges (RFC 7235) as registries send them:
//   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"
//   Basic realm="Registry Realm"
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace stack::engine::image {

struct AuthChallenge {
  std::string scheme;                         // lowercase: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lowercase, values unquoted

  // The value of a parameter, or "" when absent.
  std::string param(const std::string& name) const;
};

// Every challenge of one header value, in order. Parameter values may be tokens or
// quoted strings (with commas and \-escapes inside); the scheme is case-insensitive;
// stray commas and spaces are skipped. A value that is not a challenge gives an empty list.
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

}  // namespace stack::engine::image
