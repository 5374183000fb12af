// Authentication with registries: sends a request, answers a 401's challenge once, and
// remembers what worked so later requests carry it from the start.
//
// Bearer: a token from the challenge's realm (GET realm?service=S&scope=repository:P:pull,
// with the credentials as Basic auth when there are any), cached per registry origin and
// scope set, replaced when the registry refuses it. Basic: the credentials themselves,
// sent with every request to that origin once a challenge asked for them.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/image/auth_challenge.hpp"
#include "engine/image/http.hpp"
#include "engine/image/registry_config.hpp"

namespace stack::engine::image {

using CredentialsFn = std::function<std::optional<Credentials>(std::string_view domain)>;

class RegistryAuth {
 public:
  // `domain` names the registry in messages and hints ("stack login DOMAIN"); the
  // credentials are looked up by the host of each origin (docker.io's for its own
  // endpoint), at most once per host.
  RegistryAuth(std::string domain, CredentialsFn credentials);

  // Performs `request` with the authorization known for its origin and `scopes`
  // ("repository:library/nginx:pull"). A 401 is answered once and the request repeated;
  // a second 401 is "unauthorized: authentication required for HOST". Other statuses
  // are the caller's to judge.
  HttpResponse send(HttpRequest request, const std::vector<std::string>& scopes);

 private:
  struct Origin {
    std::optional<AuthChallenge> challenge;
    std::map<std::string, std::string> tokens;  // scopes joined with ' ' -> "Bearer ..." header
  };

  std::string cached_authorization(const std::string& origin, const std::vector<std::string>& scopes);
  std::string answer(const std::string& origin, const AuthChallenge& challenge, const std::vector<std::string>& scopes);
  std::string fetch_token(const std::string& origin, const AuthChallenge& challenge, const std::vector<std::string>& scopes);
  std::optional<Credentials> credentials_for(const std::string& origin);
  [[noreturn]] void throw_unauthorized(const std::string& origin, const HttpResponse* response) const;

  std::string domain_;
  CredentialsFn credentials_;
  std::mutex mutex_;  // guards origins_ and found_credentials_, never held during a request
  std::map<std::string, Origin> origins_;
  std::map<std::string, std::optional<Credentials>> found_credentials_;  // by host
};

// The credentials as an "Authorization: Basic ..." header.
std::string basic_authorization(const Credentials& credentials);

}  // namespace stack::engine::image
