// Parsers for compose's string syntaxes. Pure functions; they throw stack::Error with
// a message only (e.g. `invalid port "80:80:80:80"`): the decoder adds file, line and path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compose/model.hpp"

namespace stack::compose {

// Ports short syntax: "80", "8080:80", "127.0.0.1:8080:80", "127.0.0.1::80", "[::1]:80:80",
// "8000-8010:80-90/udp", "9090-9091:8080" (host range to one target), "80/tcp".
// Equal-length ranges expand to one ServicePort per pair, as compose does.
std::vector<ServicePort> parse_port_spec(std::string_view spec);

// Volumes short syntax: "/data", "name:/data", "./host:/data:ro", "/host:/data:rw,z",
// "~/x:/y", "name:/data:nocopy". `source` stays as written (relative paths were already
// resolved by paths.hpp); type is "bind" when source starts with "/", ".", "~", else "volume",
// and "volume" with empty source for an anonymous volume. Options: ro, rw, z, Z, nocopy,
// shared, slave, private, rshared, rslave, rprivate, consistent, cached, delegated.
ServiceVolume parse_volume_spec(std::string_view spec);

// Go-style durations as compose accepts them: "1h30m", "10s", "1.5s", "100ms", "2us", "0";
// plain integers are seconds. Returns nanoseconds.
Nanoseconds parse_duration(std::string_view text);
// Canonical Go form: "1m30s", "10s", "1.5s", "100ms", "0s".
std::string format_duration(Nanoseconds ns);

// Byte sizes: "512", "1k", "1kb", "64m", "1.5g", "2GB", "1T" (binary multiples, as docker);
// case-insensitive, optional "b"/"B" suffix.
Bytes parse_bytes(std::string_view text);

// `devices:` short syntax "host[:container[:permissions]]".
DeviceMapping parse_device_spec(std::string_view spec);

// extra_hosts entry "host=addr" or "host:addr" (IPv6 addresses with ':' handled,
// "[::1]" brackets removed).
std::pair<std::string, std::string> parse_extra_host(std::string_view entry);

}  // namespace stack::compose
