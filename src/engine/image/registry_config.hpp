// Where images come from: registry mirrors and insecure registries (daemon.json's
// "registry-mirrors" and "insecure-registries"), and the credentials of `stack login`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stack::engine::image {

struct RegistryConfig {
  // Base URLs ("https://mirror.example.com", "http://127.0.0.1:5001"), tried in order for
  // docker.io pulls only, before docker.io itself.
  std::vector<std::string> mirrors;
  // "host:port", "host", or a CIDR ("10.0.0.0/8"): spoken to over plain HTTP.
  std::vector<std::string> insecure_registries;
};

// <state_root>/config.json when it exists, else /etc/stack/config.json, else defaults.
// Unknown keys are ignored (the file may be shared with other settings); a file that is
// not JSON, or a key of the wrong type, is a stack::Error naming the file.
RegistryConfig load_registry_config(const std::string& state_root);

// The config of one file: nullopt when it does not exist, errors as above.
std::optional<RegistryConfig> read_registry_config(const std::string& file);

// True when `host` ("localhost:5000", "10.1.2.3:5000", "reg.example.com") is to be
// spoken to over HTTP: listed in insecure_registries (host, host:port or CIDR match), or
// a loopback host (localhost, 127.0.0.0/8, ::1), which docker also treats as insecure.
// An entry with a port matches that port only; one without matches every port of the
// host (docker wants the port listed; this accepts what docker accepts and a little more).
// CIDRs match IP literals only: no DNS lookup is made to decide.
bool is_insecure_registry(const RegistryConfig& config, std::string_view host);

// The host requests go to: "registry-1.docker.io" for "docker.io", else `domain` itself.
std::string registry_host(std::string_view domain);

// The base URL of the registry of `domain` (mirrors aside): "https://" + registry_host,
// or "http://" when is_insecure_registry. "docker.io" -> "https://registry-1.docker.io".
std::string registry_base_url(std::string_view domain, const RegistryConfig& config);

struct Credentials {
  std::string username;
  std::string password;  // or an identity token
};

// The file `stack login` writes: $STACK_CONFIG_DIR/config.json, else
// $XDG_CONFIG_HOME/stack/config.json, else $HOME/.config/stack/config.json.
std::string credentials_path();

// Credentials for a registry domain ("docker.io", "localhost:5000"): stack's own file
// first, then docker's ($DOCKER_CONFIG/config.json, else ~/.docker/config.json) "auths"
// ("auth": base64 "user:password", or "username"/"password"). docker.io is stored under
// "https://index.docker.io/v1/" as docker does; keys match by host ("https://h/v1/" is
// "h"). A registry that docker's file delegates to a credential helper and that has no
// credentials in "auths" is a stack::Error saying helpers are not supported and to run
// `stack login HOST`: one named in "credHelpers", or, with a "credsStore", one listed in
// "auths" with an empty entry (how docker records the logins a store keeps).
std::optional<Credentials> find_credentials(std::string_view domain);

// Writes or removes the entry of `domain` in credentials_path() (created with mode 0600,
// its directory 0700, replaced atomically, other entries kept). erase returns false
// when there was no entry.
void store_credentials(std::string_view domain, const Credentials& credentials);
bool erase_credentials(std::string_view domain);

}  // namespace stack::engine::image
