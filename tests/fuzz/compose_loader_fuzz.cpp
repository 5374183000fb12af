// libFuzzer target: any bytes, loaded as a compose file given on standard input
// (`stack config -f -`), must either load or fail with stack::Error. Any other
// exception, a crash, a sanitizer report, a leak or a hang is a finding.
//
// Build and run: cmake --preset fuzz && cmake --build --preset fuzz &&
//                tests/fuzz/run.sh build/fuzz/fuzz_compose_loader .
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/error.hpp"
#include "compose/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);

  stack::compose::LoadOptions options;
  options.files = {"-"};
  options.read_stdin = [&input] { return input; };
  // A directory that does not exist: no .env or compose files of the host are
  // picked up, so every run sees the same inputs. The project name derives from it.
  options.working_dir = "/nonexistent/stack-fuzz/project";
  options.home = "/nonexistent/stack-fuzz/home";
  options.environ = {{"HOME", options.home}, {"USER", "fuzz"}, {"TAG", "1.25"}, {"EMPTY", ""}};

  try {
    stack::compose::load_project(options);
  } catch (const stack::Error&) {
    // Expected on bad input: the user sees this message.
  }
  return 0;
}
