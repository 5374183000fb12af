#include "engine/layout.hpp"

#include <cstdlib>
#include <filesystem>

namespace stack::engine {
namespace {

std::string pick(const std::string& flag, const char* env, const std::string& fallback) {
  std::string value = flag;
  if (value.empty())
    if (const char* v = std::getenv(env); v && *v) value = v;
  if (value.empty()) value = fallback;
  return std::filesystem::absolute(value).lexically_normal().string();
}

}  // namespace

Roots resolve_roots(const std::string& root_flag, const std::string& run_root_flag) {
  Roots defaults;
  Roots r;
  r.root = pick(root_flag, "STACK_ROOT", defaults.root);
  r.run_root = pick(run_root_flag, "STACK_RUN_ROOT", defaults.run_root);
  while (r.root.size() > 1 && r.root.back() == '/') r.root.pop_back();
  while (r.run_root.size() > 1 && r.run_root.back() == '/') r.run_root.pop_back();
  return r;
}

}  // namespace stack::engine
