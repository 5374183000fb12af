#include "cli/command_families.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "cli/commands.hpp"

namespace stack::cli {
namespace {

using Adder = void (*)(CLI::App&, const GlobalOptions&, int&);

struct Family {
  Adder add;
  std::initializer_list<std::string_view> words;  // the top-level commands it adds
};

// In the order `stack --help` lists them. tests/e2e/config_cli.sh runs `WORD --help` for
// every command the full help lists, behind global options, so a word missing here (or
// owned by the wrong family) fails there.
const Family kFamilies[] = {
    {add_config_command, {"config"}},
    {[](CLI::App& app, const GlobalOptions&, int& exit_code) { add_version_command(app, exit_code); }, {"version"}},
    {add_container_command, {"container"}},
    {add_image_command, {"image"}},
    {add_volume_command, {"volume"}},
    {add_network_command, {"network"}},
    {add_login_commands, {"login", "logout"}},
    {add_compose_up_commands, {"up", "create"}},
    {add_compose_lifecycle_commands, {"down", "start", "stop", "restart", "kill", "pause", "unpause", "rm"}},
    {add_compose_view_commands, {"ps", "ls", "logs", "top", "images", "port"}},
    {add_compose_exec_commands, {"exec", "wait", "pull", "push"}},
    {add_compose_run_command, {"run"}},
    {add_compose_build_command, {"build"}},
    {add_compose_cp_command, {"cp"}},
    {add_compose_events_command, {"events"}},
};

bool owns(const Family& f, const std::string& word) {
  return std::find(f.words.begin(), f.words.end(), word) != f.words.end();
}

}  // namespace

std::string command_word(const CLI::App& app, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') return arg;
    const bool long_name = arg[1] == '-';
    const auto eq = arg.find('=');
    const std::string name = long_name ? arg.substr(0, eq) : arg.substr(0, 2);
    const CLI::Option* option = name == "--" ? nullptr : app.get_option_no_throw(name);
    if (!option || option == app.get_help_ptr()) return "";
    // Its value is the next argument unless it came with it: --file=x, -fx.
    const bool value_attached = long_name ? eq != std::string::npos : arg.size() > 2;
    if (option->get_items_expected_min() > 0 && !value_attached) ++i;
  }
  return "";
}

bool is_command_word(const std::string& word) {
  return std::any_of(std::begin(kFamilies), std::end(kFamilies), [&](const Family& f) { return owns(f, word); });
}

void add_commands(CLI::App& app, const GlobalOptions& global, int& exit_code, const std::string& word) {
  const bool known = is_command_word(word);
  for (const Family& f : kFamilies)
    if (!known || owns(f, word)) f.add(app, global, exit_code);
}

}  // namespace stack::cli
