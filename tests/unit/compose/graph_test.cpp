#include <catch2/catch.hpp>

#include <functional>

#include "base/error.hpp"
#include "compose/graph.hpp"

using Catch::Matchers::Equals;
using stack::compose::Graph;
using stack::compose::Project;
using stack::compose::Service;

namespace {

using Names = std::set<std::string>;
using Levels = std::vector<std::vector<std::string>>;

// A project whose services are given by name, each configured by an optional callback.
Project project(std::initializer_list<std::pair<std::string, std::function<void(Service&)>>> services) {
  Project p;
  for (const auto& [name, configure] : services) {
    Service s;
    s.name = name;
    if (configure) configure(s);
    p.services[name] = s;
  }
  return p;
}

std::function<void(Service&)> depends_on(std::initializer_list<std::string> names) {
  return [names](Service& s) {
    for (const auto& n : names) s.depends_on[n] = {};
  };
}

// a <- b, a <- c, b <- d, c <- d: d depends on b and c, which both depend on a.
Project diamond() {
  return project({{"a", nullptr}, {"b", depends_on({"a"})}, {"c", depends_on({"a"})}, {"d", depends_on({"b", "c"})}});
}

}  // namespace

TEST_CASE("graph takes edges from depends_on keys", "[graph]") {
  Graph g(project({{"db", nullptr}, {"web", depends_on({"db"})}}));
  CHECK(g.dependencies("web") == Names{"db"});
  CHECK(g.dependents("db") == Names{"web"});
  CHECK(g.dependencies("db").empty());
}

TEST_CASE("graph takes edges from links with and without alias", "[graph]") {
  Graph g(project({{"db", nullptr}, {"cache", nullptr}, {"web", [](Service& s) {
                     s.links = {"db", "cache:redis"};
                   }}}));
  CHECK(g.dependencies("web") == Names{"cache", "db"});
}

TEST_CASE("graph takes edges from volumes_from services but not containers", "[graph]") {
  Graph g(project({{"data", nullptr}, {"logs", nullptr}, {"conf", nullptr}, {"container", nullptr}, {"app", [](Service& s) {
                     s.volumes_from = {"data", "logs:ro", "service:conf:rw", "container:container", "container:x:ro"};
                   }}}));
  CHECK(g.dependencies("app") == Names{"conf", "data", "logs"});
}

TEST_CASE("graph takes edges from service: network_mode, ipc and pid", "[graph]") {
  Graph g(project({{"vpn", nullptr}, {"shm", nullptr}, {"init", nullptr}, {"app", [](Service& s) {
                     s.network_mode = "service:vpn";
                     s.ipc = "service:shm";
                     s.pid = "service:init";
                   }}}));
  CHECK(g.dependencies("app") == Names{"init", "shm", "vpn"});
  CHECK(g.dependents("vpn") == Names{"app"});
}

TEST_CASE("graph ignores namespace modes that do not name a service", "[graph]") {
  Graph g(project({{"vpn", nullptr}, {"app", [](Service& s) {
                     s.network_mode = "container:vpn";
                     s.ipc = "host";
                     s.pid = "shareable";
                   }}}));
  CHECK(g.dependencies("app").empty());
}

TEST_CASE("graph ignores edges to unknown services", "[graph]") {
  Graph g(project({{"web", [](Service& s) {
                     s.depends_on["ghost"] = {};
                     s.links = {"phantom:p"};
                     s.network_mode = "service:nobody";
                   }}}));
  CHECK(g.dependencies("web").empty());
  CHECK(g.dependents("ghost").empty());
  CHECK(g.start_levels() == Levels{{"web"}});
}

TEST_CASE("graph start levels put a diamond in three sorted levels", "[graph]") {
  Graph g(diamond());
  CHECK(g.start_levels() == Levels{{"a"}, {"b", "c"}, {"d"}});
}

TEST_CASE("graph start levels place a service after its deepest dependency", "[graph]") {
  // e depends on a (level 0) and d (level 2): it must wait for level 3.
  Project p = diamond();
  p.services["e"].name = "e";
  p.services["e"].depends_on["a"] = {};
  p.services["e"].depends_on["d"] = {};
  p.services["solo"].name = "solo";
  CHECK(Graph(p).start_levels() == Levels{{"a", "solo"}, {"b", "c"}, {"d"}, {"e"}});
}

TEST_CASE("graph stop levels stop dependents before their dependencies", "[graph]") {
  Project p = diamond();
  p.services["solo"].name = "solo";
  CHECK(Graph(p).stop_levels() == Levels{{"d", "solo"}, {"b", "c"}, {"a"}});
}

TEST_CASE("graph of an empty project has no levels", "[graph]") {
  Graph g(Project{});
  CHECK(g.start_levels().empty());
  CHECK(g.stop_levels().empty());
}

TEST_CASE("graph subgraph adds dependencies transitively only when asked", "[graph]") {
  Graph g(diamond());
  CHECK(g.subgraph({"d"}, true) == Names{"a", "b", "c", "d"});
  CHECK(g.subgraph({"b"}, true) == Names{"a", "b"});
  CHECK(g.subgraph({"d"}, false) == Names{"d"});
  CHECK(g.subgraph({"b", "c"}, false) == Names{"b", "c"});
}

TEST_CASE("graph with_dependents adds dependents transitively", "[graph]") {
  Graph g(diamond());
  CHECK(g.with_dependents({"a"}) == Names{"a", "b", "c", "d"});
  CHECK(g.with_dependents({"b"}) == Names{"b", "d"});
  CHECK(g.with_dependents({"d"}) == Names{"d"});
}

TEST_CASE("graph subgraph rejects unknown service names", "[graph]") {
  Graph g(diamond());
  CHECK_THROWS_WITH(g.subgraph({"a", "nope"}, true), Equals("no such service: nope"));
  CHECK_THROWS_WITH(g.with_dependents({"nope"}), Equals("no such service: nope"));
}

TEST_CASE("graph reports a service depending on itself", "[graph]") {
  CHECK_THROWS_WITH(Graph(project({{"a", depends_on({"a"})}})), Equals("dependency cycle detected: a -> a"));
}

TEST_CASE("graph reports a two-service cycle from its first name", "[graph]") {
  Project p = project({{"web", depends_on({"php"})}, {"php", [](Service& s) { s.links = {"web:w"}; }}});
  CHECK_THROWS_WITH(Graph(p), Equals("dependency cycle detected: php -> web -> php"));
}

TEST_CASE("graph reports a three-service cycle in dependency order", "[graph]") {
  Project p = project({{"a", depends_on({"b"})}, {"b", depends_on({"c"})}, {"c", [](Service& s) {
                         s.network_mode = "service:a";
                       }}});
  CHECK_THROWS_WITH(Graph(p), Equals("dependency cycle detected: a -> b -> c -> a"));
  CHECK_THROWS_AS(Graph(p), stack::Error);
}

TEST_CASE("graph names a cycle from its alphabetically first service however it is reached", "[graph]") {
  // The search starts at "app", enters the cycle at "x", yet the message starts at "m".
  Project p = project({{"app", depends_on({"x"})},
                       {"x", depends_on({"m"})},
                       {"m", depends_on({"n"})},
                       {"n", [](Service& s) { s.volumes_from = {"x:ro"}; }}});
  CHECK_THROWS_WITH(Graph(p), Equals("dependency cycle detected: m -> n -> x -> m"));
}

TEST_CASE("graph accepts shared dependencies that are not cycles", "[graph]") {
  CHECK_NOTHROW(Graph(diamond()));
}
