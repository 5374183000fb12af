// `stack config` output must load back to the same model: YAML and JSON, on the
// LNMP example and on a fixture that uses most keys and syntaxes.
#include <catch2/catch.hpp>

#include "compose/codec.hpp"
#include "compose/emit.hpp"
#include "compose/loader.hpp"

using namespace stack::compose;

namespace {

LoadOptions options_for(const std::string& dir) {
  LoadOptions opts;
  opts.working_dir = dir;
  opts.home = "/home/tester";
  opts.profiles = {"*"};
  return opts;
}

// Loads `text` as the one compose file of a project in `dir`.
Project reload(const std::string& dir, const std::string& text) {
  LoadOptions opts = options_for(dir);
  opts.files = {"-"};
  opts.read_stdin = [text] { return text; };
  return load_project(opts).project;
}

void check_same(const Project& a, const Project& b) {
  CHECK(a.name == b.name);
  for (const auto& [name, s] : a.services) {
    INFO("service " << name);
    REQUIRE(b.services.count(name));
    CHECK(emit_yaml(encode_service(s)) == emit_yaml(encode_service(b.services.at(name))));
    CHECK(s == b.services.at(name));
  }
  CHECK(a.services.size() == b.services.size());
  CHECK(a.networks == b.networks);
  CHECK(a.volumes == b.volumes);
  CHECK(a.secrets == b.secrets);
  CHECK(a.configs == b.configs);
  CHECK(a.extensions == b.extensions);
}

}  // namespace

TEST_CASE("config output of the LNMP example loads back to the same project", "[roundtrip]") {
  const std::string dir = std::string(STACK_SOURCE_DIR) + "/examples/lnmp";
  Project first = load_project(options_for(dir)).project;
  check_same(first, reload(dir, emit_yaml(encode_project(first))));
  check_same(first, reload(dir, emit_json(encode_project(first))));
}

TEST_CASE("config output of a project using most keys loads back to the same project", "[roundtrip]") {
  const std::string dir = std::string(STACK_FIXTURES_DIR) + "/compose/roundtrip";
  LoadOptions opts = options_for(dir);
  opts.environ = {{"API_KEY", "k"}};
  Project first = load_project(opts).project;
  REQUIRE(first.services.size() == 3);
  const std::string yaml = emit_yaml(encode_project(first));
  INFO(yaml);
  check_same(first, reload(dir, yaml));
  check_same(first, reload(dir, emit_json(encode_project(first))));
  // Printing twice gives the same text: the output is a fixed point.
  CHECK(emit_yaml(encode_project(reload(dir, yaml))) == yaml);
}

TEST_CASE("config output with literal dollars loads back once they are doubled", "[roundtrip]") {
  const std::string text =
      "name: money\n"
      "services:\n"
      "  app:\n"
      "    image: busybox\n"
      "    command: [\"sh\", \"-c\", \"echo $$HOME costs $${PRICE}\"]\n"
      "    environment:\n"
      "      PASSWORD: 'pa$$word'\n";
  Project first = reload("/tmp", text);
  REQUIRE(first.services.at("app").command.has_value());
  REQUIRE(first.services.at("app").command->size() == 3);
  CHECK(first.services.at("app").command->at(2) == "echo $HOME costs ${PRICE}");
  Node model = encode_project(first);
  escape_dollars(model);
  const std::string yaml = emit_yaml(model);
  INFO(yaml);
  CHECK(yaml.find("echo $$HOME costs $${PRICE}") != std::string::npos);
  CHECK(yaml.find("pa$$word") != std::string::npos);
  check_same(first, reload("/tmp", yaml));
  check_same(first, reload("/tmp", emit_json(model)));
}
