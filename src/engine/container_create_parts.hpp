// The pieces of define_container (container_create.hpp), one file per area:
//   container_create.cpp            the whole: process, namespaces, security, config
//   container_create_resources.cpp  cgroup resources, shm size, ulimits, log options
//   container_create_mounts.cpp     -v binds, --tmpfs, --device, the --init binary, sysctls
// Every error names the flag and the value: invalid --memory "12q": invalid size: '12q'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "engine/container_create.hpp"

namespace stack::engine::create_detail {

// invalid <flag> "<value>": <reason>
Error flag_error(std::string_view flag, std::string_view value, std::string_view reason);

runtime::Resources parse_resources(const CreateRequest& request);
int64_t parse_shm_size(const std::string& text);  // "" -> 64 MiB
std::vector<runtime::Rlimit> parse_ulimits(const std::vector<std::string>& ulimits);
LogConfig parse_log_opts(const std::vector<std::string>& opts);

// Where --init puts tini in the container, and where it comes from on the host.
inline constexpr const char* kInitPath = "/sbin/docker-init";
inline constexpr const char* kInitBinary = "/usr/bin/tini-static";

// The init binary (with init), then -v binds and --tmpfs mounts, parents before children;
// a destination given twice is an error.
std::vector<runtime::Mount> parse_mounts(const CreateRequest& request);
std::vector<runtime::Device> parse_devices(const std::vector<std::string>& devices);
// Only sysctls that belong to the container's own namespaces (as runc checks): a net.*
// one with the host's network, or a host-wide one like vm.swappiness, would change the host.
void check_sysctls(const std::map<std::string, std::string>& sysctls, bool own_network);

}  // namespace stack::engine::create_detail
