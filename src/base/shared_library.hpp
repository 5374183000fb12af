// A system library opened with dlopen where only a few commands need it (libcurl for
// registries, libnftables for the firewall), so that every other command starts without
// mapping it. Opened RTLD_NOW | RTLD_LOCAL (its symbols and its dependencies' stay out of
// the global namespace, and cannot interpose on what `stack` links statically) and never
// closed (handles may live in thread-locals until the process exits).
#pragma once

#include <dlfcn.h>

#include <mutex>
#include <optional>
#include <string>

#include "base/error.hpp"

namespace stack::base {

class SharedLibrary {
 public:
  // `package`: the Debian package to install when it is missing; `note` is added to the
  // hint for a missing symbol (a minimum version).
  SharedLibrary(const char* soname, const char* package, const char* note = "")
      : soname_(soname), package_(package), note_(note), handle_(::dlopen(soname, RTLD_NOW | RTLD_LOCAL)) {
    if (handle_ == nullptr) throw Error(soname_ + " not found: install the " + package_ + " package");
  }

  template <typename Fn>
  void bind(Fn& fn, const char* name) const {
    void* symbol = ::dlsym(handle_, name);
    if (symbol == nullptr)
      throw Error(soname_ + " has no " + name, "install the " + package_ + " package" + (note_.empty() ? "" : " (" + note_ + ")"));
    fn = reinterpret_cast<Fn>(symbol);
  }

 private:
  std::string soname_, package_, note_;
  void* handle_;
};

// `load()` run once per process for Api; its failure is thrown again to every caller.
template <typename Api, typename Load>
const Api& load_once(Load load) {
  static std::once_flag once;
  static std::optional<Api> api;
  static std::optional<Error> failure;
  std::call_once(once, [&] {
    try {
      api = load();
    } catch (const Error& e) {
      failure = e;
    }
  });
  if (failure) throw *failure;
  return *api;
}

}  // namespace stack::base
