#include "engine/runtime/passwd.hpp"

#include <charconv>

#include "base/strings.hpp"

namespace stack::engine::runtime {
namespace {

constexpr unsigned kMaxId = 2147483647;

// The fields of each meaningful line: not blank, not a comment.
template <class Fn>
void for_each_record(std::string_view text, Fn&& fn) {
  for (std::string_view line : base::split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    fn(base::split(line, ':'));
  }
}

}  // namespace

bool parse_id(std::string_view text, unsigned& id) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  return ec == std::errc() && end == text.data() + text.size() && id <= kMaxId;
}

std::vector<PasswdEntry> parse_passwd(std::string_view text) {
  std::vector<PasswdEntry> out;
  for_each_record(text, [&](const std::vector<std::string>& f) {
    PasswdEntry e;
    unsigned uid = 0, gid = 0;
    if (f.size() < 4 || f[0].empty() || !parse_id(f[2], uid) || !parse_id(f[3], gid)) return;
    e.name = f[0];
    e.uid = uid;
    e.gid = gid;
    if (f.size() > 5) e.home = f[5];
    out.push_back(std::move(e));
  });
  return out;
}

std::vector<GroupEntry> parse_group(std::string_view text) {
  std::vector<GroupEntry> out;
  for_each_record(text, [&](const std::vector<std::string>& f) {
    GroupEntry e;
    unsigned gid = 0;
    if (f.size() < 3 || f[0].empty() || !parse_id(f[2], gid)) return;
    e.name = f[0];
    e.gid = gid;
    if (f.size() > 3)
      for (const std::string& member : base::split(f[3], ','))
        if (!member.empty()) e.members.emplace_back(member);
    out.push_back(std::move(e));
  });
  return out;
}

}  // namespace stack::engine::runtime
