#include "engine/runtime/users.hpp"

#include <grp.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "base/error.hpp"
#include "base/files.hpp"
#include "engine/runtime/passwd.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

// What runc (and so Docker) calls numeric: strconv.Atoi succeeds. Such a value out of
// range is an error of its own, not a name to look up.
std::optional<unsigned> numeric_id(const std::string& text) {
  size_t digits = text.find_first_not_of("0123456789", !text.empty() && text[0] == '-' ? 1 : 0);
  if (text.empty() || text == "-" || digits != std::string::npos) return std::nullopt;
  unsigned id = 0;
  if (!parse_id(text, id)) throw Error("uids and gids must be in range 0-2147483647");
  return id;
}

Error no_user(const std::string& name) {
  return Error("unable to find user " + name + ": no matching entries in passwd file");
}

Error no_group(const std::string& name) {
  return Error("unable to find group " + name + ": no matching entries in group file");
}

// The group `spec` names: by name or by id, else a numeric id without an entry.
gid_t find_group(const std::vector<GroupEntry>& groups, const std::string& spec) {
  std::optional<unsigned> id = numeric_id(spec);
  for (const GroupEntry& g : groups)
    if (id ? g.gid == *id : g.name == spec) return g.gid;
  if (!id) throw no_group(spec);
  return *id;
}

void add_unique(std::vector<gid_t>& gids, gid_t gid) {
  if (std::find(gids.begin(), gids.end(), gid) == gids.end()) gids.push_back(gid);
}

}  // namespace

ResolvedUser resolve_user(const std::string& user, const std::vector<std::string>& group_add,
                          const std::string& etc_dir) {
  const size_t colon = user.find(':');
  const std::string user_part = user.substr(0, colon);
  const std::string group_part = colon == std::string::npos ? std::string() : user.substr(colon + 1);
  const auto passwd = parse_passwd(base::read_file_if_exists(etc_dir + "/passwd").value_or(""));
  const auto groups = parse_group(base::read_file_if_exists(etc_dir + "/group").value_or(""));

  ResolvedUser out;
  const std::optional<unsigned> uid = user_part.empty() ? std::optional<unsigned>(0) : numeric_id(user_part);
  auto entry = std::find_if(passwd.begin(), passwd.end(),
                            [&](const PasswdEntry& e) { return uid ? e.uid == *uid : e.name == user_part; });
  std::string matched_name;
  if (entry != passwd.end()) {
    matched_name = entry->name;
    out.uid = entry->uid;
    out.gid = entry->gid;
    if (!entry->home.empty()) out.home = entry->home;
  } else if (!uid) {
    throw no_user(user_part);
  } else {
    out.uid = *uid;  // a numeric uid needs no passwd entry (gid 0 then, as Docker)
  }

  if (!group_part.empty()) {
    // An explicit group replaces the primary one; as in runc, the user's
    // memberships in /etc/group then do not apply.
    out.gid = find_group(groups, group_part);
  } else if (!matched_name.empty()) {
    for (const GroupEntry& g : groups)
      if (std::find(g.members.begin(), g.members.end(), matched_name) != g.members.end()) add_unique(out.groups, g.gid);
  }
  for (const std::string& extra : group_add) add_unique(out.groups, find_group(groups, extra));
  return out;
}

void switch_user(const ResolvedUser& user) {
  if (setgroups(user.groups.size(), user.groups.data()) != 0) {
    std::string list;
    for (gid_t gid : user.groups) list += (list.empty() ? "" : ",") + std::to_string(gid);
    throw syscall_error("setgroups [" + list + "]");
  }
  if (setgid(user.gid) != 0) throw syscall_error("setgid " + std::to_string(user.gid));
  if (setuid(user.uid) != 0) throw syscall_error("setuid " + std::to_string(user.uid));
}

}  // namespace stack::engine::runtime
