#include "engine/image/curl_api.hpp"

#include <dlfcn.h>

#include <mutex>
#include <optional>
#include <string>

#include "base/error.hpp"

namespace stack::engine::image {
namespace {

template <typename Fn>
void bind_symbol(void* library, Fn& fn, const char* name) {
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) throw Error(std::string("libcurl.so.4 has no ") + name, "install the libcurl4 package (7.17 or later)");
  fn = reinterpret_cast<Fn>(symbol);
}

CurlApi load() {
  // RTLD_LOCAL: curl's symbols (and OpenSSL's, which it pulls in) stay out of the global
  // namespace, so they cannot interpose on the statically linked copies in `stack`.
  void* library = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    throw Error("libcurl.so.4 not found: install the libcurl4 package");
  }
  CurlApi api;
  bind_symbol(library, api.global_init, "curl_global_init");
  bind_symbol(library, api.version, "curl_version");
  bind_symbol(library, api.easy_init, "curl_easy_init");
  bind_symbol(library, api.easy_setopt, "curl_easy_setopt");
  bind_symbol(library, api.easy_perform, "curl_easy_perform");
  bind_symbol(library, api.easy_getinfo, "curl_easy_getinfo");
  bind_symbol(library, api.easy_cleanup, "curl_easy_cleanup");
  bind_symbol(library, api.easy_reset, "curl_easy_reset");
  bind_symbol(library, api.easy_strerror, "curl_easy_strerror");
  bind_symbol(library, api.slist_append, "curl_slist_append");
  bind_symbol(library, api.slist_free_all, "curl_slist_free_all");
  if (CURLcode rc = api.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    throw Error(std::string("libcurl initialization failed: ") + api.easy_strerror(rc));
  }
  // Never dlclose'd: handles may live in thread-locals until the process exits.
  return api;
}

}  // namespace

const CurlApi& curl_api() {
  static std::once_flag once;
  static std::optional<CurlApi> api;
  static std::optional<Error> failure;
  std::call_once(once, [] {
    try {
      api = load();
    } catch (const Error& e) {
      failure = e;
    }
  });
  if (failure) throw *failure;
  return *api;
}

}  // namespace stack::engine::image
