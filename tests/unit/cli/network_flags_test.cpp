#include <catch2/catch.hpp>

#include <algorithm>

#include "cli/container_flags.hpp"

using namespace stack;

namespace {

// `container run ARGS...` with docker run's flags and the network ones.
std::pair<engine::CreateRequest, cli::NetworkFlags> parse_network(std::vector<std::string> args, std::vector<std::string>& rest) {
  CLI::App app{"stack"};
  CLI::App* run = app.add_subcommand("run");
  engine::CreateRequest request;
  cli::NetworkFlags flags;
  cli::add_create_flags(*run, request);
  cli::add_network_flags(*run, flags);
  args.insert(args.begin(), "run");
  std::reverse(args.begin(), args.end());
  app.parse(args);
  rest = run->remaining();
  return {request, flags};
}

}  // namespace

TEST_CASE("the network flags of run are bound as docker takes them", "[cli][net]") {
  std::vector<std::string> rest;
  const auto [r, f] = parse_network({"--network", "front", "--ip", "10.213.9.9", "--mac-address", "02:42:00:00:00:01",
                                     "--network-alias", "web", "--network-alias", "www", "--add-host", "db:10.0.0.5",
                                     "--dns", "10.0.0.53", "--dns-search", "example.org", "--dns-opt", "timeout:1",
                                     "--dns-option", "attempts:2", "busybox", "nc", "-l"},
                                    rest);
  CHECK(r.network == "front");
  CHECK(f.ip == "10.213.9.9");
  CHECK(f.mac == "02:42:00:00:00:01");
  CHECK(f.aliases == std::vector<std::string>{"web", "www"});
  CHECK(f.add_hosts == std::vector<std::string>{"db:10.0.0.5"});
  CHECK(f.dns == std::vector<std::string>{"10.0.0.53"});
  CHECK(f.dns_search == std::vector<std::string>{"example.org"});
  CHECK(f.dns_options == std::vector<std::string>{"timeout:1", "attempts:2"});
  CHECK(rest == std::vector<std::string>{"busybox", "nc", "-l"});
}
