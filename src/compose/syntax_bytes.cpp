// Compose sizes (mem_limit, shm_size, tmpfs size...) are go-units RAMInBytes: base's parser.
#include "base/byte_size.hpp"
#include "compose/syntax.hpp"

namespace stack::compose {

Bytes parse_bytes(std::string_view text) { return base::parse_byte_size(text, base::SizeUnits::Binary); }

}  // namespace stack::compose
