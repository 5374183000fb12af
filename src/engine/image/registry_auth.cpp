#include "engine/image/registry_auth.hpp"

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/strings.hpp"
#include "engine/image/base64.hpp"
#include "engine/image/http_url.hpp"
#include "engine/image/registry_response.hpp"

namespace stack::engine::image {
namespace {

std::string scope_key(const std::vector<std::string>& scopes) {
  std::string key;
  for (const auto& scope : scopes) key += (key.empty() ? "" : " ") + scope;
  return key;
}

void set_authorization(HttpRequest& request, const std::string& header) {
  std::erase_if(request.headers, [](const std::string& h) { return base::to_lower(h).starts_with("authorization:"); });
  if (!header.empty()) request.headers.push_back(header);
}

// The challenge to answer: Bearer when offered (it scopes access), else Basic.
std::optional<AuthChallenge> pick_challenge(const HttpResponse& response) {
  std::optional<AuthChallenge> basic;
  for (const auto& value : response.header_values("WWW-Authenticate")) {
    for (auto& challenge : parse_www_authenticate(value)) {
      if (challenge.scheme == "bearer") return challenge;
      if (challenge.scheme == "basic" && !basic) basic = challenge;
    }
  }
  return basic;
}

}  // namespace

std::string basic_authorization(const Credentials& credentials) {
  return "Authorization: Basic " + base64_encode(credentials.username + ":" + credentials.password);
}

RegistryAuth::RegistryAuth(std::string domain, CredentialsFn credentials)
    : domain_(std::move(domain)), credentials_(std::move(credentials)) {}

HttpResponse RegistryAuth::send(HttpRequest request, const std::vector<std::string>& scopes) {
  const std::string origin = url_origin(request.url);
  const std::string sent = cached_authorization(origin, scopes);
  set_authorization(request, sent);
  HttpResponse response = http_perform(request);
  if (response.status != 401) return response;
  std::optional<AuthChallenge> challenge = pick_challenge(response);
  if (!challenge) throw_unauthorized(origin, &response);
  const std::string answered = answer(origin, *challenge, scopes);
  if (answered.empty() || answered == sent) throw_unauthorized(origin, &response);
  set_authorization(request, answered);
  response = http_perform(request);
  if (response.status == 401) throw_unauthorized(origin, &response);
  return response;
}

std::string RegistryAuth::cached_authorization(const std::string& origin, const std::vector<std::string>& scopes) {
  std::optional<AuthChallenge> challenge;
  {
    std::lock_guard lock(mutex_);
    auto it = origins_.find(origin);
    if (it == origins_.end() || !it->second.challenge) return {};
    if (it->second.challenge->scheme == "bearer") {
      auto token = it->second.tokens.find(scope_key(scopes));
      return token == it->second.tokens.end() ? std::string() : token->second;
    }
  }
  std::optional<Credentials> credentials = credentials_for(origin);
  return credentials ? basic_authorization(*credentials) : std::string();
}

// The Authorization header that answers `challenge`, "" when there is nothing to send.
std::string RegistryAuth::answer(const std::string& origin, const AuthChallenge& challenge,
                                 const std::vector<std::string>& scopes) {
  {
    std::lock_guard lock(mutex_);
    origins_[origin].challenge = challenge;
  }
  if (challenge.scheme == "basic") {
    std::optional<Credentials> credentials = credentials_for(origin);
    return credentials ? basic_authorization(*credentials) : std::string();
  }
  std::string header = fetch_token(origin, challenge, scopes);
  std::lock_guard lock(mutex_);
  origins_[origin].tokens[scope_key(scopes)] = header;
  return header;
}

std::string RegistryAuth::fetch_token(const std::string& origin, const AuthChallenge& challenge,
                                      const std::vector<std::string>& scopes) {
  const std::string realm = challenge.param("realm");
  if (!realm.starts_with("http://") && !realm.starts_with("https://")) {
    throw Error(url_authority(origin) + ": the registry asks for a token from an invalid realm \"" + realm + "\"");
  }
  HttpRequest request;
  request.url = realm;
  if (std::string service = challenge.param("service"); !service.empty()) {
    request.url = append_query(request.url, "service=" + percent_encode(service));
  }
  for (const auto& scope : scopes) request.url = append_query(request.url, "scope=" + percent_encode(scope));
  request.follow_redirects = true;
  std::optional<Credentials> credentials = credentials_for(origin);
  if (credentials) request.headers.push_back(basic_authorization(*credentials));
  HttpResponse response = http_perform(request);
  if (response.status == 401 || response.status == 403) throw_unauthorized(origin, &response);
  if (response.status != 200) throw_registry_error(url_authority(origin) + ": token request to " + realm, response);
  const nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  for (const char* key : {"token", "access_token"}) {
    if (doc.is_object() && doc.contains(key) && doc[key].is_string() && !doc[key].get<std::string>().empty()) {
      return "Authorization: Bearer " + doc[key].get<std::string>();
    }
  }
  throw Error(url_authority(origin) + ": the token server " + realm + " answered without a token");
}

std::optional<Credentials> RegistryAuth::credentials_for(const std::string& origin) {
  // docker.io's own endpoint uses the logins of "docker.io"; any other origin (a private
  // registry, a mirror) those of its host.
  std::string host = url_authority(origin);
  if (host == "registry-1.docker.io") host = "docker.io";
  {
    std::lock_guard lock(mutex_);
    if (auto it = found_credentials_.find(host); it != found_credentials_.end()) return it->second;
  }
  std::optional<Credentials> found = credentials_ ? credentials_(host) : find_credentials(host);
  std::lock_guard lock(mutex_);
  return found_credentials_.emplace(host, found).first->second;
}

void RegistryAuth::throw_unauthorized(const std::string& origin, const HttpResponse* response) const {
  std::string host = url_authority(origin);
  std::string message = "unauthorized: authentication required for " + host;
  if (response != nullptr) {
    std::string detail = registry_message(*response);
    if (!detail.starts_with("HTTP ") && message.find(detail) == std::string::npos) message += " (" + detail + ")";
  }
  throw Error(message, "run `stack login " + (host == registry_host(domain_) ? domain_ : host) + "`");
}

}  // namespace stack::engine::image
