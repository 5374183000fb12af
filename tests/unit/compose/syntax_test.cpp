#include <catch2/catch.hpp>

#include <limits>

#include "base/error.hpp"
#include "compose/syntax.hpp"

using Catch::Matchers::Equals;
using namespace stack::compose;

namespace {
constexpr Nanoseconds kMs = 1'000'000;
constexpr Nanoseconds kSec = 1000 * kMs;
}  // namespace

TEST_CASE("duration parses Go units, fractions and concatenations", "[syntax][duration]") {
  CHECK(parse_duration("10s") == 10 * kSec);
  CHECK(parse_duration("1h30m") == 5400 * kSec);
  CHECK(parse_duration("1.5s") == 1500 * kMs);
  CHECK(parse_duration("100ms") == 100 * kMs);
  CHECK(parse_duration("2us") == 2000);
  CHECK(parse_duration("2\u00b5s") == 2000);
  CHECK(parse_duration("2\u03bcs") == 2000);
  CHECK(parse_duration("7ns") == 7);
  CHECK(parse_duration("1h2m3s4ms5us6ns") == 3723 * kSec + 4 * kMs + 5006);
  CHECK(parse_duration(".5s") == 500 * kMs);
  CHECK(parse_duration("1.s") == kSec);
  CHECK(parse_duration("0.5h") == 1800 * kSec);
  CHECK(parse_duration("1m0.5s") == 60500 * kMs);
}

TEST_CASE("duration accepts a sign and a bare zero", "[syntax][duration]") {
  CHECK(parse_duration("0") == 0);
  CHECK(parse_duration("-0") == 0);
  CHECK(parse_duration("+5s") == 5 * kSec);
  CHECK(parse_duration("-1m30s") == -90 * kSec);
  CHECK(parse_duration("9223372036854775807ns") == std::numeric_limits<int64_t>::max());
  CHECK(parse_duration("-9223372036854775808ns") == std::numeric_limits<int64_t>::min());
}

TEST_CASE("duration rejects plain numbers and junk with Go's wording", "[syntax][duration]") {
  CHECK_THROWS_WITH(parse_duration("10"), Equals("missing unit in duration \"10\""));
  CHECK_THROWS_WITH(parse_duration("1d"), Equals("unknown unit \"d\" in duration \"1d\""));
  CHECK_THROWS_WITH(parse_duration("1S"), Equals("unknown unit \"S\" in duration \"1S\""));
  CHECK_THROWS_WITH(parse_duration(""), Equals("invalid duration \"\""));
  CHECK_THROWS_WITH(parse_duration("-"), Equals("invalid duration \"-\""));
  CHECK_THROWS_WITH(parse_duration("s"), Equals("invalid duration \"s\""));
  CHECK_THROWS_WITH(parse_duration(".s"), Equals("invalid duration \".s\""));
  CHECK_THROWS_WITH(parse_duration("1s "), Equals("unknown unit \"s \" in duration \"1s \""));
  CHECK_THROWS_WITH(parse_duration("9223372036854775808ns"), Equals("invalid duration \"9223372036854775808ns\""));
  CHECK_THROWS_WITH(parse_duration("3000000h"), Equals("invalid duration \"3000000h\""));
  CHECK_THROWS_AS(parse_duration("x"), stack::Error);
}

TEST_CASE("duration formats like Go's Duration.String", "[syntax][duration]") {
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(10 * kSec) == "10s");
  CHECK(format_duration(90 * kSec) == "1m30s");
  CHECK(format_duration(5400 * kSec) == "1h30m0s");
  CHECK(format_duration(3600 * kSec) == "1h0m0s");
  CHECK(format_duration(1500 * kMs) == "1.5s");
  CHECK(format_duration(100 * kMs) == "100ms");
  CHECK(format_duration(1500 * 1000) == "1.5ms");
  CHECK(format_duration(2000) == "2\u00b5s");
  CHECK(format_duration(1500) == "1.5\u00b5s");
  CHECK(format_duration(7) == "7ns");
  CHECK(format_duration(kSec + 1) == "1.000000001s");
  CHECK(format_duration(-90 * kSec) == "-1m30s");
  CHECK(format_duration(std::numeric_limits<int64_t>::min()) == "-2562047h47m16.854775808s");
}

TEST_CASE("duration formatting round-trips through parsing", "[syntax][duration]") {
  for (Nanoseconds ns : {Nanoseconds{1}, 999 * kMs, 61 * kSec + 5, 25 * 3600 * kSec, -3 * kMs}) {
    INFO(ns);
    CHECK(parse_duration(format_duration(ns)) == ns);
  }
}

TEST_CASE("bytes parse binary multiples with optional b and ib", "[syntax][bytes]") {
  CHECK(parse_bytes("512") == 512);
  CHECK(parse_bytes("10b") == 10);
  CHECK(parse_bytes("1k") == 1024);
  CHECK(parse_bytes("1kb") == 1024);
  CHECK(parse_bytes("1KiB") == 1024);
  CHECK(parse_bytes("64m") == 64 << 20);
  CHECK(parse_bytes("2GB") == int64_t{2} << 30);
  CHECK(parse_bytes("1T") == int64_t{1} << 40);
  CHECK(parse_bytes("1p") == int64_t{1} << 50);
  CHECK(parse_bytes("1 g") == int64_t{1} << 30);
  CHECK(parse_bytes("0") == 0);
}

TEST_CASE("bytes accept decimals and truncate to whole bytes", "[syntax][bytes]") {
  CHECK(parse_bytes("1.5g") == 1610612736);
  CHECK(parse_bytes("0.5k") == 512);
  CHECK(parse_bytes("1.7") == 1);
}

TEST_CASE("bytes reject negatives, junk and unknown suffixes with go-units wording", "[syntax][bytes]") {
  CHECK_THROWS_WITH(parse_bytes("-1"), Equals("invalid size: '-1'"));
  CHECK_THROWS_WITH(parse_bytes("-1k"), Equals("invalid size: '-1k'"));
  CHECK_THROWS_WITH(parse_bytes("abc"), Equals("invalid size: 'abc'"));
  CHECK_THROWS_WITH(parse_bytes(""), Equals("invalid size: ''"));
  CHECK_THROWS_WITH(parse_bytes("1.2.3"), Equals("invalid size: '1.2.3'"));
  CHECK_THROWS_WITH(parse_bytes("1x"), Equals("invalid suffix: 'x'"));
  CHECK_THROWS_WITH(parse_bytes("1KX"), Equals("invalid suffix: 'kx'"));
  CHECK_THROWS_WITH(parse_bytes("1kib2"), Equals("invalid size: '1kib2'"));
  CHECK_THROWS_WITH(parse_bytes("1kibb"), Equals("invalid suffix: 'kibb'"));
  CHECK_THROWS_WITH(parse_bytes("1bb"), Equals("invalid suffix: 'bb'"));
  CHECK_THROWS_WITH(parse_bytes("1ki"), Equals("invalid suffix: 'ki'"));
  CHECK_THROWS_WITH(parse_bytes("99999999p"), Equals("invalid size: '99999999p'"));
}

TEST_CASE("device spec defaults target to source and permissions to rwm", "[syntax][devices]") {
  CHECK(parse_device_spec("/dev/fuse") == DeviceMapping{"/dev/fuse", "/dev/fuse", "rwm"});
  CHECK(parse_device_spec("/dev/sda:/dev/xvda") == DeviceMapping{"/dev/sda", "/dev/xvda", "rwm"});
  CHECK(parse_device_spec("/dev/sda:/dev/xvda:r") == DeviceMapping{"/dev/sda", "/dev/xvda", "r"});
  CHECK(parse_device_spec("/dev/sda::rw") == DeviceMapping{"/dev/sda", "/dev/sda", "rw"});
  CHECK(parse_device_spec("/dev/sda:/dev/sda:mwr") == DeviceMapping{"/dev/sda", "/dev/sda", "mwr"});
}

TEST_CASE("device spec rejects bad permissions, extra parts and a missing source", "[syntax][devices]") {
  CHECK_THROWS_WITH(parse_device_spec("/a:/b:rx"), Equals("invalid device mode \"rx\" in \"/a:/b:rx\""));
  CHECK_THROWS_WITH(parse_device_spec("/a:/b:rr"), Equals("invalid device mode \"rr\" in \"/a:/b:rr\""));
  CHECK_THROWS_WITH(parse_device_spec("/a:/b:"), Equals("invalid device mode \"\" in \"/a:/b:\""));
  CHECK_THROWS_WITH(parse_device_spec("/a:/b:r:x"),
                    Equals("confusing device mapping, please use long syntax: /a:/b:r:x"));
  CHECK_THROWS_WITH(parse_device_spec(":/b"), Equals("invalid device mapping \":/b\": missing host device path"));
  CHECK_THROWS_WITH(parse_device_spec(""), Equals("invalid device mapping \"\": missing host device path"));
}

TEST_CASE("extra host splits on = first, then on the first colon", "[syntax][extra_hosts]") {
  using Pair = std::pair<std::string, std::string>;
  CHECK(parse_extra_host("db=10.0.0.2") == Pair{"db", "10.0.0.2"});
  CHECK(parse_extra_host("db:10.0.0.2") == Pair{"db", "10.0.0.2"});
  CHECK(parse_extra_host("v6:::1") == Pair{"v6", "::1"});
  CHECK(parse_extra_host("v6=::1") == Pair{"v6", "::1"});
  CHECK(parse_extra_host("v6=[::1]") == Pair{"v6", "::1"});
  CHECK(parse_extra_host("v6:[fe80::1]") == Pair{"v6", "fe80::1"});
  CHECK(parse_extra_host("gw=host-gateway") == Pair{"gw", "host-gateway"});
}

TEST_CASE("extra hosts expand a comma list of addresses", "[syntax][extra_hosts]") {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(parse_extra_hosts("db=10.0.0.2,[::1]") == Pairs{{"db", "10.0.0.2"}, {"db", "::1"}});
  CHECK(parse_extra_hosts("db:10.0.0.2") == Pairs{{"db", "10.0.0.2"}});
  CHECK_THROWS_WITH(parse_extra_hosts("db=1.2.3.4,"), Equals("invalid additional host, missing IP: db=1.2.3.4,"));
}

TEST_CASE("extra host errors for a missing address or host name", "[syntax][extra_hosts]") {
  CHECK_THROWS_WITH(parse_extra_host("db"), Equals("invalid additional host, missing IP: db"));
  CHECK_THROWS_WITH(parse_extra_host("db="), Equals("invalid additional host, missing IP: db="));
  CHECK_THROWS_WITH(parse_extra_host("db:"), Equals("invalid additional host, missing IP: db:"));
  CHECK_THROWS_WITH(parse_extra_host("=1.2.3.4"), Equals("bad host name ''"));
}
