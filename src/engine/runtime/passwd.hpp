// The image's /etc/passwd and /etc/group, parsed leniently as libc and runc do:
// comments, blank lines and lines without a numeric id are skipped.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace stack::engine::runtime {

struct PasswdEntry {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
};

struct GroupEntry {
  std::string name;
  gid_t gid = 0;
  std::vector<std::string> members;
};

// "name:password:uid:gid:gecos:home:shell"
std::vector<PasswdEntry> parse_passwd(std::string_view text);

// "name:password:gid:member,member"
std::vector<GroupEntry> parse_group(std::string_view text);

// A user or group id: decimal digits only, at most 2147483647 (what runc accepts).
bool parse_id(std::string_view text, unsigned& id);

}  // namespace stack::engine::runtime
