// libcurl, opened with dlopen on first use instead of linked: the `stack` binary starts
// for every command, and libcurl with its ~44 shared libraries (OpenSSL, nghttp2, ldap,
// kerberos, ...) costs tens of milliseconds of dynamic loading at every start. Only the
// commands that talk to a registry pay for it, once.
//
// The function pointers are typed from <curl/curl.h>, so calls are checked against the
// declarations of the installed headers (the ABI of libcurl.so.4 is stable).
#pragma once

#include <curl/curl.h>

namespace stack::engine::image {

struct CurlApi {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_version) version = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_reset) easy_reset = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
};

// Loads libcurl.so.4 and runs curl_global_init once per process (thread-safe); later
// calls return the same table. A missing library or symbol is a stack::Error
// ("libcurl.so.4 not found: install the libcurl4 package"), thrown again by every call.
const CurlApi& curl_api();

}  // namespace stack::engine::image
