#include "cli/list_filter.hpp"

#include "base/error.hpp"

namespace stack::cli {

ListFilter::ListFilter(const std::vector<std::string>& filters, const std::set<std::string>& keys) {
  for (const std::string& f : filters) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos) throw Error("bad format of filter (expected name=value): " + f);
    const std::string key = f.substr(0, eq);
    if (keys.count(key) == 0) throw Error("invalid filter '" + key + "'");
    values_[key].push_back(f.substr(eq + 1));
  }
}

bool ListFilter::labels_match(const std::map<std::string, std::string>& labels) const {
  // Every label filter must hold (docker ANDs labels, unlike other keys).
  auto it = values_.find("label");
  if (it == values_.end()) return true;
  for (const std::string& value : it->second) {
    const size_t eq = value.find('=');
    auto l = labels.find(value.substr(0, eq));
    if (l == labels.end() || (eq != std::string::npos && l->second != value.substr(eq + 1))) return false;
  }
  return true;
}

}  // namespace stack::cli
