#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "cli/go_template.hpp"

using stack::cli::render_template;
using Catch::Contains;

namespace {
const nlohmann::json kDoc = nlohmann::json::parse(R"({
  "Name": "web", "State": {"Status": "running", "Pid": 42}, "Args": ["-c", "x"],
  "NetworkSettings": {"Networks": {"b": {"IPAddress": "10.0.1.2"}, "a": {"IPAddress": "10.0.0.2"}}}})");
}

TEST_CASE("templates print fields, json and the whole dot", "[cli][template]") {
  CHECK(render_template("{{.Name}} {{.State.Status}} {{ .State.Pid }}", kDoc) == "web running 42");
  CHECK(render_template("{{json .Args}}", kDoc) == R"(["-c","x"])");
  CHECK(render_template("{{.Name}}\\t{{.Name}}\\n", kDoc) == "web\tweb\n");
  CHECK(render_template("{{.}}", nlohmann::json("x")) == "x");
  CHECK_THROWS_WITH(render_template("{{.Nope}}", kDoc), Contains("no field \".Nope\""));
  CHECK_THROWS_WITH(render_template("{{.Name", kDoc), Contains("unclosed action"));
  CHECK_THROWS_WITH(render_template("{{printf \"%s\" .Name}}", kDoc), Contains("unsupported action"));
}

TEST_CASE("range walks an object's values in key order and an array's elements", "[cli][template]") {
  CHECK(render_template("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", kDoc) == "10.0.0.2 10.0.1.2 ");
  CHECK(render_template("[{{range .Args}}<{{.}}>{{end}}]", kDoc) == "[<-c><x>]");
  CHECK(render_template("{{range .Args}}{{range .Nothing}}{{end}}{{end}}ok", nlohmann::json::parse(R"({"Args": []})")) == "ok");
  CHECK_THROWS_WITH(render_template("{{range .Args}}x", kDoc), Contains("without {{end}}"));
  CHECK_THROWS_WITH(render_template("x{{end}}", kDoc), Contains("without {{range}}"));
}

TEST_CASE("index takes array positions and quoted object keys", "[cli][template]") {
  CHECK(render_template("{{index .Args 1}}", kDoc) == "x");
  CHECK(render_template("{{index .NetworkSettings.Networks \"a\" \"IPAddress\"}}", kDoc) == "10.0.0.2");
  CHECK(render_template("{{(index .Args 0)}} {{json (index .NetworkSettings.Networks \"b\")}}", kDoc) ==
        R"(-c {"IPAddress":"10.0.1.2"})");
  CHECK(render_template("{{(index .NetworkSettings.Networks \"b\").IPAddress}}", kDoc) == "10.0.1.2");
  CHECK_THROWS_WITH(render_template("{{index .Args 5}}", kDoc), Contains("no entry 5"));
}
