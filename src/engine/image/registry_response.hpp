// What a registry says when it refuses: the "errors" document of the distribution spec
// ({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":...}]}),
// or whatever else the server or a proxy put in the body.
#pragma once

#include <string>

#include "engine/image/http.hpp"

namespace stack::engine::image {

// The registry's messages joined with "; " ("manifest unknown"), else the start of a
// plain-text body, else "HTTP <status>".
std::string registry_message(const HttpResponse& response);

// stack::Error "<context>: <registry_message>".
[[noreturn]] void throw_registry_error(const std::string& context, const HttpResponse& response);

}  // namespace stack::engine::image
