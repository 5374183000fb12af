#include "base/random_id.hpp"

#include <sys/random.h>

#include "base/syscall_error.hpp"

namespace stack::base {

std::string random_hex_id() {
  unsigned char bytes[32];
  if (getrandom(bytes, sizeof bytes, 0) != sizeof bytes) throw syscall_error("getrandom");
  static const char* hex = "0123456789abcdef";
  std::string id;
  id.reserve(64);
  for (unsigned char b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 15];
  }
  return id;
}

}  // namespace stack::base
