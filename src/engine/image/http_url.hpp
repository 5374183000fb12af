// The few URL manipulations the registry client needs, on plain strings.
#pragma once

#include <string>
#include <string_view>

namespace stack::engine::image {

// "host:port" of "https://user@host:port/path?q" (userinfo dropped, case kept).
std::string url_authority(std::string_view url);

// "scheme://host:port" in lowercase: two URLs with the same origin go to the same server
// (credentials may follow a redirect only within one origin).
std::string url_origin(std::string_view url);

// `location` (a Location header: absolute, or a path on the server of `base`) made absolute.
std::string resolve_location(std::string_view base, std::string_view location);

// `url` with "key=value" added to its query ('?' or '&' as needed).
std::string append_query(std::string_view url, std::string_view key_value);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string percent_encode(std::string_view text);

}  // namespace stack::engine::image
