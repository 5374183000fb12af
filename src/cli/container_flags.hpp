// docker run's flags, shared by `stack container create` and `stack container run`,
// bound into an engine::CreateRequest. Values are stored as typed (sizes, cpus, ...);
// engine::define_container checks them.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/network_attach.hpp"
#include "engine/container_create.hpp"

namespace stack::cli {

// Adds the flags to `cmd` and makes it parse like docker run:
//   - `-h` is --hostname (help stays on --help);
//   - option parsing stops at the first positional (cmd.prefix_command(), cmd.fallthrough(false)):
//     in `run --rootfs /r sh -c "echo -x"` the "-c" belongs to sh. The command reads
//     IMAGE-or-ROOTFS, COMMAND and ARGS from cmd.remaining() (or binds IMAGE to a single
//     positional and reads the rest there). Its parent commands should require exactly one
//     subcommand (require_subcommand(1)): otherwise CLI11 takes a first positional that names
//     a sibling command ("ls") for that command.
// Each flag is kept as docker keeps it: a repeated single-value flag takes the last value,
// list flags (-e, -v, --cap-add, ...) take one value per occurrence, in order.
//   --env-file files are read first, then -e entries (so -e wins); `-e KEY` takes KEY's
//     value from this process's environment and is left out when KEY is unset (as docker).
//   --entrypoint is one string, one argument; "" clears the image's entrypoint. Whether it
//     was given (the image's entrypoint and cmd are replaced then): entrypoint_given().
//     CLI11 2.1 quirk (every option): "--entrypoint=" with nothing after '=' takes the NEXT
//     word as its value; `--entrypoint ""` works. main could split "--x=" into "--x" "".
//   --rootfs is a flag: the first positional is a root filesystem directory: rootfs_given().
//   --health-cmd X sets the test ["CMD-SHELL", X]; the other --health-* flags alone make a
//     healthcheck with an empty test (the image's test applies, as docker); --no-healthcheck
//     sets ["NONE"] and conflicts with every --health-* flag. Durations are Go's ("1m30s").
// Errors (bad env file, bad duration, KEY=VAL missing '=') are thrown as stack::Error
// from the parse, naming the flag and the value.
void add_create_flags(CLI::App& cmd, engine::CreateRequest& request);

// --ip, --ip6, --mac-address, --network-alias, --add-host, --dns, --dns-search, --dns-option (and
// --dns-opt): the network flags beyond --network, applied by attach_network.
void add_network_flags(CLI::App& cmd, NetworkFlags& flags);

// A repeatable flag with one value per occurrence, every occurrence kept in order
// (CLI11's vector options would otherwise swallow the positionals that follow:
// `exec -e A=1 web sh`).
CLI::Option* add_list_option(CLI::App& cmd, const std::string& names, std::vector<std::string>& into,
                             const std::string& description);

bool rootfs_given(const CLI::App& cmd);
bool entrypoint_given(const CLI::App& cmd);

// Docker's env-file: KEY=VAL lines taken literally, blank lines and '#' comments skipped,
// leading blanks trimmed, a bare KEY taken from this process's environment (left out when
// unset). Throws stack::Error naming the file and line.
std::vector<std::string> read_env_file(const std::string& path);

// "-e KEY": "KEY=<value from the environment>", or nullopt when KEY is unset; KEY=VAL as is.
std::optional<std::string> resolve_env_entry(const std::string& entry);
// --build-arg style entries through resolve_env_entry into a map (later wins, unset bare
// keys left out).
std::map<std::string, std::string> resolve_env_map(const std::vector<std::string>& entries);

// KEY=VAL entries into a map (later wins); a bare KEY is an empty value when allowed (--label).
CLI::Option* add_map(CLI::App& cmd, const std::string& names, std::map<std::string, std::string>& into,
                     bool bare_key_allowed, const std::string& description);

}  // namespace stack::cli
