// The local driver's options (docker volume create -o type=... -o device=... -o o=...):
// checked when a volume is created, turned into a mount(2) call as mount(8) would.
#pragma once

#include <map>
#include <string>

#include "vol/mounter.hpp"

namespace stack::vol {

// Throws stack::Error for a key other than type, device and o ("invalid option key: ..."),
// and for device or o without type and type without device, as docker's local driver.
void check_local_options(const std::map<std::string, std::string>& options);

// Whether the volume is a mount of its own (a `type` was given) rather than a directory.
bool needs_mount(const std::map<std::string, std::string>& options);

// o's words split as mount(8) does: flags (ro, nosuid, bind, rbind, ...) to MS_* bits, the
// rest to the filesystem's data. type "none" with bind/rbind binds `device` (made absolute
// by the caller); any other type mounts `device` as that filesystem.
MountCall plan_mount(const std::map<std::string, std::string>& options, const std::string& target);

}  // namespace stack::vol
