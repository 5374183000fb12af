// An Nft that runs nothing: it keeps every command buffer it got, answers listings
// from canned JSON (no `ip filter` or `ip6 filter` table unless one is set) and can be told to fail.
#pragma once

#include <string>
#include <vector>

#include "base/error.hpp"
#include "net/nft_api.hpp"

namespace stack::net::testing {

class FakeNft final : public Nft {
 public:
  std::string run(const std::string& commands, Output) override {
    if (commands == "list tables") {
      std::string tables;
      for (const char* family : {"ip", "ip6"})
        if (!(family == std::string("ip") ? ip_filter_listing : ip6_filter_listing).empty())
          tables += std::string(tables.empty() ? "" : ", ") + R"({"table": {"family": ")" + family +
                    R"(", "name": "filter", "handle": 1}})";
      return R"({"nftables": [)" + tables + "]}";
    }
    if (commands == "list table ip filter") return ip_filter_listing;
    if (commands == "list table ip6 filter") return ip6_filter_listing;
    if (fail_next > 0) {
      --fail_next;
      throw Error("nftables: Error: Could not process rule: No such file or directory");
    }
    transactions.push_back(commands);
    return "";
  }

  const std::string& last() const { return transactions.back(); }

  std::vector<std::string> transactions;  // every change, in order
  std::string ip_filter_listing;          // `nft -j list table ip filter`; "" = no such table
  std::string ip6_filter_listing;         // the same of `ip6 filter`
  int fail_next = 0;                      // transactions that fail before one succeeds
};

}  // namespace stack::net::testing
