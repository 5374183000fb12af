// `--filter key=value` of the listing commands (container ls, volume ls, ...), as docker
// reads them: values of one key are alternatives, different keys must all match.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace stack::cli {

class ListFilter {
 public:
  // Throws stack::Error for "x" without "=" and for a key not in `keys` (docker's texts).
  ListFilter(const std::vector<std::string>& filters, const std::set<std::string>& keys);

  bool has(const std::string& key) const { return values_.count(key) > 0; }
  // True when `key` was not given, or `accept` holds for one of its values.
  template <typename Accept>
  bool any(const std::string& key, Accept accept) const {
    auto it = values_.find(key);
    if (it == values_.end()) return true;
    for (const std::string& v : it->second)
      if (accept(v)) return true;
    return false;
  }
  // `label=key` or `label=key=value` against an object's labels.
  bool labels_match(const std::map<std::string, std::string>& labels) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

}  // namespace stack::cli
