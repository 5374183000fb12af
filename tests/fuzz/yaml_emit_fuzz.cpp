// libFuzzer target for the YAML writer: whatever parse_yaml accepts, emit_yaml must
// write so that parse_yaml reads the same tree back (the round trip `stack config`
// output relies on), and emit_json must not throw. A mismatch aborts (a finding).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/error.hpp"
#include "compose/emit.hpp"
#include "compose/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stack::compose;
  Node tree;
  try {
    tree = parse_yaml(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const stack::Error&) {
    return 0;  // not YAML we accept: nothing to write back
  }
  std::string yaml = emit_yaml(tree);
  Node back;
  try {
    back = parse_yaml(yaml, "emitted.yaml");
  } catch (const stack::Error& e) {
    std::fprintf(stderr, "emitted YAML does not parse: %s\n--- emitted\n%s", e.what(), yaml.c_str());
    std::abort();
  }
  if (!(back == tree)) {
    std::fprintf(stderr, "emitted YAML reads back differently\n--- emitted\n%s", yaml.c_str());
    std::abort();
  }
  emit_json(tree, true);
  return 0;
}
