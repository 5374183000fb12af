#include "cli/compose_session.hpp"


namespace stack::cli {
namespace {

compose::Project load(const GlobalOptions& g, const std::vector<std::string>& services, bool project_only) {
  compose::LoadOptions opts = load_options(g);
  opts.services = services;
  try {
    return load_project_or_throw(opts);
  } catch (const Error&) {
    if (!project_only || g.project_name.empty()) throw;
    compose::Project p;
    p.name = g.project_name;
    return p;
  }
}

}  // namespace

ComposeSession::ComposeSession(const GlobalOptions& g, const std::vector<std::string>& services, bool project_only)
    : project_(load(g, services, project_only)), engine_(g) {}

std::string short_name(const std::string& project, const std::string& name) {
  const std::string prefix = project + "-";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

}  // namespace stack::cli
