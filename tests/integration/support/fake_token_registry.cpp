#include "support/fake_token_registry.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "base/unique_fd.hpp"
#include "engine/image/http.hpp"

namespace stack::testing {
namespace {

// The "PORT <n>" line the script prints once it listens; waits up to 20 s for it.
int read_port(int fd) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (out.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd pfd{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
      throw std::runtime_error("fake_token_registry.py did not report its port");
    }
    char buf[64];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("fake_token_registry.py exited before listening");
    out.append(buf, static_cast<size_t>(n));
  }
  if (!out.starts_with("PORT ")) throw std::runtime_error("fake_token_registry.py printed: " + out);
  return std::stoi(out.substr(5));
}

}  // namespace

FakeTokenRegistry::FakeTokenRegistry(const std::string& user, const std::string& password) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) throw std::runtime_error("pipe failed");
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  const std::string script = std::string(STACK_SOURCE_DIR) + "/tests/integration/support/fake_token_registry.py";
  process_ = TestProcess({"/usr/bin/python3", script, user, password}, write_end.get(), {});
  write_end.reset();  // EOF on the read end when the script dies
  port_ = read_port(read_end.get());
}

nlohmann::json FakeTokenRegistry::stats() const {
  engine::image::HttpRequest request;
  request.url = "http://" + host() + "/stats";
  return nlohmann::json::parse(engine::image::http_perform(request).body);
}

}  // namespace stack::testing
