#include "engine/image/curl_api.hpp"

#include <string>

#include "base/error.hpp"
#include "base/shared_library.hpp"

namespace stack::engine::image {
namespace {

CurlApi load() {
  // Local: curl's symbols (and OpenSSL's, which it pulls in) cannot interpose on the
  // statically linked copies in `stack`.
  const base::SharedLibrary library("libcurl.so.4", "libcurl4", "7.17 or later");
  CurlApi api;
  library.bind(api.global_init, "curl_global_init");
  library.bind(api.version, "curl_version");
  library.bind(api.easy_init, "curl_easy_init");
  library.bind(api.easy_setopt, "curl_easy_setopt");
  library.bind(api.easy_perform, "curl_easy_perform");
  library.bind(api.easy_getinfo, "curl_easy_getinfo");
  library.bind(api.easy_cleanup, "curl_easy_cleanup");
  library.bind(api.easy_reset, "curl_easy_reset");
  library.bind(api.easy_strerror, "curl_easy_strerror");
  library.bind(api.slist_append, "curl_slist_append");
  library.bind(api.slist_free_all, "curl_slist_free_all");
  if (CURLcode rc = api.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    throw Error(std::string("libcurl initialization failed: ") + api.easy_strerror(rc));
  }
  return api;
}

}  // namespace

const CurlApi& curl_api() { return base::load_once<CurlApi>(load); }

}  // namespace stack::engine::image
