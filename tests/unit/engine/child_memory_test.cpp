#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "engine/runtime/child_memory.hpp"

using namespace stack::engine::runtime;

TEST_CASE("pack_exec_image copies the path, argv and envp into the scratch room") {
  std::vector<char> room(4096);
  const std::vector<std::string> args = {"sleep", "600"};
  const std::vector<std::string> env = {"PATH=/bin", "", "HOME=/root"};
  const ExecImage image = pack_exec_image("/bin/sleep", args, env, ExecScratch{room.data(), room.size()});
  auto inside = [&](const void* p) { return p >= room.data() && p < room.data() + room.size(); };
  CHECK(std::string(image.path) == "/bin/sleep");
  CHECK(inside(image.path));
  REQUIRE(inside(image.argv));
  CHECK(std::string(image.argv[0]) == "sleep");
  CHECK(std::string(image.argv[1]) == "600");
  CHECK(image.argv[2] == nullptr);
  REQUIRE(inside(image.envp));
  CHECK(std::string(image.envp[0]) == "PATH=/bin");
  CHECK(std::string(image.envp[1]).empty());
  CHECK(std::string(image.envp[2]) == "HOME=/root");
  CHECK(image.envp[3] == nullptr);
  for (const char* s : {image.argv[0], image.argv[1], image.envp[0], image.envp[2]}) CHECK(inside(s));
}

TEST_CASE("pack_exec_image refuses what does not fit, as the kernel does") {
  std::vector<char> room(64);
  const std::vector<std::string> args = {"echo", std::string(100, 'x')};
  try {
    pack_exec_image("/bin/echo", args, {}, ExecScratch{room.data(), room.size()});
    FAIL("no error");
  } catch (const stack::Error& e) {
    CHECK(std::string(e.what()) == "exec: \"echo\": argument list too long");
  }
  // Exactly full fits: 3 pointers, "/e\0" and "e\0".
  std::vector<char> exact(3 * sizeof(char*) + 3 + 2);
  const ExecImage image = pack_exec_image("/e", {"e"}, {}, ExecScratch{exact.data(), exact.size()});
  CHECK(std::string(image.argv[0]) == "e");
  CHECK(image.envp[0] == nullptr);
}

TEST_CASE("ChildMemory gives a writable stack below a scratch room, both usable at once") {
  const ChildMemory memory;
  const ExecScratch scratch = memory.scratch();
  REQUIRE(scratch.size >= (6u << 20));  // the most arguments and environment execve takes
  auto* top = static_cast<char*>(memory.stack_top());
  CHECK(reinterpret_cast<uintptr_t>(top) % 16 == 0);
  CHECK(top <= scratch.data);
  std::memset(top - 4096, 1, 4096);  // the stack's first page, as a child would use it
  std::memset(scratch.data, 2, 4096);
  std::memset(scratch.data + scratch.size - 4096, 3, 4096);
  CHECK(top[-1] == 1);
  CHECK(scratch.data[0] == 2);
}
