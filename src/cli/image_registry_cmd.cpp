// `stack image pull|push` and `stack login|logout`: the commands that talk to registries.
#include <unistd.h>

#include <iostream>
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/image_engine.hpp"
#include "cli/interaction.hpp"
#include "cli/transfer_display.hpp"
#include "engine/image/registry_client.hpp"
#include "engine/image/transfer.hpp"

namespace stack::cli {

namespace img = engine::image;

img::ClientOptions registry_options(const GlobalOptions& g) {
  img::ClientOptions o;
  o.config = img::load_registry_config(engine::resolve_roots(g.root, g.run_root).root);
  return o;
}

namespace {

// Whether the user wrote a tag or digest ("busybox" -> no: docker says "Using default tag").
bool names_version(const std::string& text) {
  const size_t slash = text.rfind('/');
  return text.find('@') != std::string::npos || text.find(':', slash == std::string::npos ? 0 : slash) != std::string::npos;
}

void add_pull(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto name = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  auto* cmd = family.add_subcommand("pull", "Download an image from a registry");
  cmd->add_option("image", *name, "Image")->required()->type_name("NAME[:TAG|@DIGEST]");
  cmd->add_flag("-q,--quiet", *quiet, "Suppress verbose output");
  cmd->callback([&g, &exit_code, name, quiet] {
    const img::Reference ref = img::parse_reference(*name);
    if (!*quiet && !names_version(*name)) fmt::print("Using default tag: latest\n");
    TransferDisplay display(stdout, ::isatty(1), *quiet);
    const img::PullResult r = img::pull_image(image_store_from(g), ref, registry_options(g), display);
    if (!*quiet) {
      fmt::print("Status: {} for {}\n", r.downloaded ? "Downloaded newer image" : "Image is up to date",
                 ref.familiar());
    }
    fmt::print("{}\n", ref.string());
    exit_code = 0;
  });
}

void add_push(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto name = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  auto* cmd = family.add_subcommand("push", "Upload an image to a registry");
  cmd->add_option("image", *name, "Image")->required()->type_name("NAME[:TAG]");
  cmd->add_flag("-q,--quiet", *quiet, "Suppress verbose output");
  cmd->callback([&g, &exit_code, name, quiet] {
    const img::Reference ref = img::parse_reference(*name);
    TransferDisplay display(stdout, ::isatty(1), *quiet);
    const std::string digest = img::push_image(image_store_from(g), ref, registry_options(g), display);
    if (*quiet) fmt::print("{}\n", ref.string());
    (void)digest;
    exit_code = 0;
  });
}

// "https://index.docker.io/v1/", "http://localhost:5000/" -> "docker.io", "localhost:5000".
std::string server_domain(std::string server) {
  if (server.empty()) return "docker.io";
  if (size_t scheme = server.find("://"); scheme != std::string::npos) server = server.substr(scheme + 3);
  if (size_t slash = server.find('/'); slash != std::string::npos) server = server.substr(0, slash);
  if (server == "index.docker.io" || server == "registry-1.docker.io") return "docker.io";
  return server;
}

struct LoginCli {
  std::string server, username, password;
  bool password_stdin = false;
};

img::Credentials credentials_for(LoginCli& o) {
  if (o.password_stdin) {
    if (!o.password.empty()) throw Error("--password and --password-stdin are mutually exclusive");
    if (o.username.empty()) throw Error("Must provide --username with --password-stdin");
    std::getline(std::cin, o.password);
    while (!o.password.empty() && (o.password.back() == '\n' || o.password.back() == '\r')) o.password.pop_back();
  }
  if (o.username.empty()) {
    if (!::isatty(0)) throw Error("Cannot perform an interactive login from a non TTY device");
    o.username = prompt("Username: ", false);
  }
  if (o.password.empty()) {
    if (!::isatty(0)) throw Error("Cannot perform an interactive login from a non TTY device");
    o.password = prompt("Password: ", true);
  }
  if (o.username.empty() || o.password.empty()) throw Error("Error: Non-null Username and Password required");
  return {o.username, o.password};
}

void add_login(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<LoginCli>();
  auto* cmd = app.add_subcommand("login", "Log in to a registry");
  cmd->add_option("server", o->server, "Registry (default docker.io)")->type_name("SERVER");
  cmd->add_option("-u,--username", o->username, "Username");
  cmd->add_option("-p,--password", o->password, "Password");
  cmd->add_flag("--password-stdin", o->password_stdin, "Take the password from stdin");
  cmd->callback([&g, &exit_code, o] {
    const std::string domain = server_domain(o->server);
    const img::Credentials creds = credentials_for(*o);
    img::ClientOptions options = registry_options(g);
    options.use_mirrors = false;
    options.credentials = [creds](std::string_view) { return std::optional<img::Credentials>(creds); };
    img::RegistryClient(domain, "", options).check_login();
    img::store_credentials(domain, creds);
    fmt::print("Login Succeeded\n");
    exit_code = 0;
  });
}

void add_logout(CLI::App& app, int& exit_code) {
  auto server = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("logout", "Log out from a registry");
  cmd->add_option("server", *server, "Registry (default docker.io)")->type_name("SERVER");
  cmd->callback([&exit_code, server] {
    const std::string domain = server_domain(*server);
    if (img::erase_credentials(domain)) fmt::print("Removing login credentials for {}\n", domain);
    else fmt::print("Not logged in to {}\n", domain);
    exit_code = 0;
  });
}

}  // namespace

void add_image_registry_commands(CLI::App& family, const GlobalOptions& global, int& exit_code) {
  add_pull(family, global, exit_code);
  add_push(family, global, exit_code);
}

void add_login_commands(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  add_login(app, global, exit_code);
  add_logout(app, exit_code);
}

}  // namespace stack::cli
