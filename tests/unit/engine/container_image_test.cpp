#include <catch2/catch.hpp>

#include "engine/container_image.hpp"

using namespace stack::engine;
using Strings = std::vector<std::string>;

namespace {

ImageForContainer sample_image() {
  ImageForContainer image{"app:1", "sha256:" + std::string(64, 'a'), {"/layers/top", "/layers/base"}, {}};
  image.defaults.entrypoint = {"/entry"};
  image.defaults.cmd = {"serve", "--port", "80"};
  image.defaults.env = {"PATH=/usr/bin", "MODE=prod"};
  image.defaults.working_dir = "/srv";
  image.defaults.user = "app";
  image.defaults.stop_signal = "SIGQUIT";
  image.defaults.labels = {{"a", "image"}, {"b", "image"}};
  image.defaults.healthcheck = image::HealthConfig{{"CMD", "check"}, 2000000000, 0, 0, 0, 5};
  return image;
}

}  // namespace

TEST_CASE("an image's config fills what the request leaves open", "[container_image]") {
  CreateRequest r;
  apply_image(r, sample_image(), false);
  CHECK(r.image == "app:1");
  CHECK(r.image_id == "sha256:" + std::string(64, 'a'));
  CHECK(r.lower_dirs == Strings{"/layers/top", "/layers/base"});
  CHECK(r.entrypoint == Strings{"/entry"});
  CHECK(r.command == Strings{"serve", "--port", "80"});
  CHECK(r.env == Strings{"PATH=/usr/bin", "MODE=prod"});
  CHECK(r.workdir == "/srv");
  CHECK(r.user == "app");
  CHECK(r.stop_signal == "SIGQUIT");
  REQUIRE(r.healthcheck.has_value());
  CHECK(r.healthcheck->test == Strings{"CMD", "check"});
  CHECK(r.healthcheck->interval_ms == 2000);
  CHECK(r.healthcheck->timeout_ms == 30000);  // unset in the image: docker's default
  CHECK(r.healthcheck->retries == 5);
}

TEST_CASE("the request's own values win over the image's", "[container_image]") {
  CreateRequest r;
  r.command = {"sh"};
  r.env = {"MODE=dev"};
  r.workdir = "/tmp";
  r.user = "root";
  r.labels = {{"b", "request"}};
  apply_image(r, sample_image(), false);
  CHECK(r.entrypoint == Strings{"/entry"});
  CHECK(r.command == Strings{"sh"});
  CHECK(r.env == Strings{"PATH=/usr/bin", "MODE=prod", "MODE=dev"});  // the later one wins at creation
  CHECK(r.workdir == "/tmp");
  CHECK(r.user == "root");
  CHECK(r.labels == std::map<std::string, std::string>{{"a", "image"}, {"b", "request"}});
}

TEST_CASE("a run with --entrypoint drops both the image's entrypoint and its cmd", "[container_image]") {
  CreateRequest r;
  r.entrypoint = {"/bin/sh"};
  apply_image(r, sample_image(), true);
  CHECK(r.entrypoint == Strings{"/bin/sh"});
  CHECK(r.command.empty());
}
