#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "engine/image/import.hpp"

using namespace stack::engine::image;
using Strings = std::vector<std::string>;

TEST_CASE("import with --change: CMD and ENTRYPOINT take the exec form and the shell form", "[import]") {
  ContainerDefaults c;
  apply_change(c, R"(CMD ["sh", "-c", "echo hi"])");
  CHECK(c.cmd == Strings{"sh", "-c", "echo hi"});
  apply_change(c, "ENTRYPOINT /bin/run --fast");
  CHECK(c.entrypoint == Strings{"/bin/sh", "-c", "/bin/run --fast"});
  apply_change(c, "cmd [not json");
  CHECK(c.cmd == Strings{"/bin/sh", "-c", "[not json"});
}

TEST_CASE("import with --change: ENV sets variables, a later one replacing an earlier one", "[import]") {
  ContainerDefaults c;
  apply_change(c, R"(ENV A=1 B="two words")");
  apply_change(c, "ENV A 3 and more");
  CHECK(c.env == Strings{"B=two words", "A=3 and more"});
}

TEST_CASE("import with --change: WORKDIR, USER, STOPSIGNAL, LABEL, EXPOSE and VOLUME set the config", "[import]") {
  ContainerDefaults c;
  apply_change(c, "WORKDIR /srv");
  apply_change(c, "WORKDIR app");
  apply_change(c, "USER 1000:1000");
  apply_change(c, "STOPSIGNAL SIGQUIT");
  apply_change(c, R"(LABEL org.example.a=1 "b=x y")");
  apply_change(c, "EXPOSE 80 53/udp 80");
  apply_change(c, R"(VOLUME ["/data", "/logs"])");
  apply_change(c, "VOLUME /cache");
  CHECK(c.working_dir == "/srv/app");
  CHECK(c.user == "1000:1000");
  CHECK(c.stop_signal == "SIGQUIT");
  CHECK(c.labels == std::map<std::string, std::string>{{"b", "x y"}, {"org.example.a", "1"}});
  CHECK(c.exposed_ports == Strings{"53/udp", "80/tcp"});
  CHECK(c.volumes == Strings{"/cache", "/data", "/logs"});
}

TEST_CASE("import with --change: refuses instructions import cannot apply and malformed arguments, naming them", "[import]") {
  ContainerDefaults c;
  CHECK_THROWS_WITH(apply_change(c, "RUN apt-get update"),
                    Catch::StartsWith("--change \"RUN apt-get update\": RUN is not supported by import"));
  CHECK_THROWS_WITH(apply_change(c, "ENV"), "--change \"ENV\": ENV needs at least one argument");
  CHECK_THROWS_WITH(apply_change(c, "LABEL novalue"), "--change \"LABEL novalue\": LABEL: \"novalue\" is not KEY=value");
  CHECK_THROWS_WITH(apply_change(c, "ENV A=\"open"), Catch::Contains("unterminated quote"));
  CHECK_THROWS_WITH(apply_change(c, "WORKDIR"), "--change \"WORKDIR\": WORKDIR needs a path");
}
