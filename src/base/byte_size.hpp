// Byte sizes as docker/go-units reads them: RAMInBytes (binary multiples: docker run
// --memory, --shm-size, compose mem_limit, tmpfs size) and FromHumanSize (decimal
// multiples: the json-file log driver's max-size). Shared by compose and the engine.
#pragma once

#include <cstdint>
#include <string_view>

namespace stack::base {

enum class SizeUnits { Binary, Decimal };  // k = 1024 or k = 1000

// "512", "1k", "1kb", "1KiB", "64m", "1.5g", "2GB", "1 T", "10b"; case-insensitive.
// Errors: "invalid size: '<text>'" (no number, negative, too large),
// "invalid suffix: '<suffix>'".
int64_t parse_byte_size(std::string_view text, SizeUnits units = SizeUnits::Binary);

}  // namespace stack::base
