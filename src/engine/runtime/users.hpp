// Resolving the container user ("name", "uid", "name:group", "uid:gid") and extra
// groups against the image's own /etc/passwd and /etc/group, as Docker does.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace stack::engine::runtime {

struct ResolvedUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary: the user's groups from /etc/group, plus group_add
  std::string home = "/";
};

// `etc_dir` is the directory holding passwd and group (inside the container: "/etc").
// Missing files are fine for numeric ids. Rules as runc's GetExecUser: "" is uid 0;
// a numeric uid without a passwd entry gets gid 0 and home "/"; "user:group" sets the
// primary group and then the user's /etc/group memberships are not added.
// Errors: `unable to find user tester2: no matching entries in passwd file`,
// `unable to find group x: no matching entries in group file`,
// `uids and gids must be in range 0-2147483647` (Docker's wording).
ResolvedUser resolve_user(const std::string& user, const std::vector<std::string>& group_add,
                          const std::string& etc_dir);

// In the container child: setgroups, setgid, setuid in that order. Throws stack::Error.
void switch_user(const ResolvedUser& user);

}  // namespace stack::engine::runtime
