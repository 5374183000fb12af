// Parsers for compose's string syntaxes. Pure functions; they throw stack::Error with
// a message only (e.g. `invalid port "80:80:80:80"`): the decoder adds file, line and path.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compose/model.hpp"

namespace stack::compose {

// Ports short syntax: "80", "8080:80", "127.0.0.1:8080:80", "127.0.0.1::80", "[::1]:80:80",
// "::1:8080:80", "8000-8010:80-90/udp", "9090-9091:8080" (host range to one target: one
// ServicePort published "9090-9091"), "80-81" (two ServicePorts, random host ports),
// "80/tcp", "53/udp", "80/sctp" (protocol case-insensitive). Equal-length ranges expand to
// one ServicePort per pair, ordered as compose orders them (by the target's decimal text).
// mode is "ingress". Errors name the spec and docker's reason:
//   invalid port "x": invalid containerPort: x
std::vector<ServicePort> parse_port_spec(std::string_view spec);

// Volumes short syntax: "/data", "name:/data", "./host:/data:ro", "/host:/data:rw,z",
// "~/x:/y", "name:/data:nocopy". `source` stays as written (relative paths were already
// resolved by paths.hpp); type is "bind" when source starts with "/", ".", "~", else "volume",
// and "volume" with empty source for an anonymous volume. As compose-go does: a bind gets
// `bind.create_host_path = true`, a volume gets `volume: {}` (except a 1-2 character spec),
// the target is cleaned ("/data/" -> "/data"). Options: ro, rw, nocopy, z, Z (bind.selinux),
// shared, slave, private, rshared, rslave, rprivate (bind.propagation); any other option,
// consistency values included, is ignored like compose-go ignores it.
// Errors (compose-go wording): "invalid empty volume spec",
// "invalid spec: a::b: empty section between colons", "invalid spec: ...: too many colons",
// and a target that is not absolute (which docker rejects later).
ServiceVolume parse_volume_spec(std::string_view spec);

// Go's time.ParseDuration, which compose's schema applies to every duration: "1h30m",
// "10s", "1.5s", "100ms", "2us"/"2µs", "-1m", "0". A plain number other than 0 is an error
// ("missing unit in duration \"10\""), as in compose (its schema wants a string).
// Returns nanoseconds.
Nanoseconds parse_duration(std::string_view text);
// Go's time.Duration.String(): "1h30m0s", "1m30s", "10s", "1.5s", "100ms", "2µs", "0s".
std::string format_duration(Nanoseconds ns);

// Byte sizes as go-units RAMInBytes: "512", "1k", "1kb", "1KiB", "64m", "1.5g", "2GB",
// "1 T", "10b" (binary multiples); case-insensitive. Errors: "invalid size: '<text>'"
// (no number, negative), "invalid suffix: '<suffix>'".
Bytes parse_bytes(std::string_view text);

// `devices:` short syntax "host[:container[:permissions]]"; container defaults to host,
// permissions to "rwm" and must be a subset of "rwm".
DeviceMapping parse_device_spec(std::string_view spec);

// extra_hosts entry "host=addr" or "host:addr" (IPv6 addresses with ':' handled,
// "[::1]" brackets removed). The address is returned whole: see parse_extra_hosts for
// compose's comma lists.
std::pair<std::string, std::string> parse_extra_host(std::string_view entry);
// extra_hosts entry with compose's comma list of addresses, "host=1.2.3.4,::1": one pair
// per address, in order.
std::vector<std::pair<std::string, std::string>> parse_extra_hosts(std::string_view entry);

}  // namespace stack::compose
