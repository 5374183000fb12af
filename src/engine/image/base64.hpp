// Standard base64 (RFC 4648 with padding), for HTTP Basic auth and the "auth" field of
// docker's config.json.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stack::engine::image {

std::string base64_encode(std::string_view data);
// nullopt for a character outside the alphabet or a bad length; padding is optional.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace stack::engine::image
