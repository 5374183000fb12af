// nftables, behind the one call the firewall needs: run a buffer of nft commands as one
// transaction and return what it printed. The real one is libnftables, opened with
// dlopen on first use (it drags in libnftnl, libmnl, jansson, gmp and xtables: only the
// commands that change rules pay for loading it); tests use testing/fake_nft.hpp and
// check the commands as text.
#pragma once

#include <memory>
#include <string>

namespace stack::net {

class Nft {
 public:
  enum class Output { Text, Json };
  virtual ~Nft() = default;
  // Runs `commands` (nft syntax, one per line) as one transaction: all apply or none.
  // Returns the output (listings); throws stack::Error with nft's message on failure.
  virtual std::string run(const std::string& commands, Output output = Output::Text) = 0;
};

// libnftables.so.1; nothing is loaded until the first run. A missing library is a
// stack::Error naming the package to install.
std::unique_ptr<Nft> make_libnftables();

}  // namespace stack::net
