#include "engine/container_config.hpp"

#include <signal.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"

namespace stack::engine {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HealthcheckConfig, test, interval_ms, timeout_ms, start_period_ms,
                                                start_interval_ms, retries)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LogConfig, max_size, max_file)

std::string config_to_json(const ContainerConfig& c) {
  nlohmann::json j = {{"id", c.id},
                      {"name", c.name},
                      {"image", c.image},
                      {"image_id", c.image_id},
                      {"rootfs", c.rootfs},
                      {"created", c.created},
                      {"labels", c.labels},
                      {"restart_policy", c.restart_policy},
                      {"log", c.log},
                      {"stop_signal", c.stop_signal},
                      {"stop_timeout", c.stop_timeout},
                      {"init", c.init},
                      {"tty", c.tty},
                      {"stdin_open", c.stdin_open},
                      {"auto_remove", c.auto_remove},
                      {"volumes", c.volumes}};
  j["healthcheck"] = c.healthcheck ? nlohmann::json(*c.healthcheck) : nlohmann::json(nullptr);
  return j.dump(2) + "\n";
}

ContainerConfig config_from_json(const std::string& text, const std::string& origin) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    ContainerConfig c;
    c.id = j.value("id", "");
    c.name = j.value("name", "");
    c.image = j.value("image", "");
    c.image_id = j.value("image_id", "");
    c.rootfs = j.value("rootfs", "");
    c.created = j.value("created", "");
    c.labels = j.value("labels", std::map<std::string, std::string>{});
    c.restart_policy = j.value("restart_policy", "no");
    if (j.contains("healthcheck") && !j["healthcheck"].is_null()) c.healthcheck = j["healthcheck"].get<HealthcheckConfig>();
    if (j.contains("log")) c.log = j["log"].get<LogConfig>();
    c.stop_signal = j.value("stop_signal", "SIGTERM");
    c.stop_timeout = j.value("stop_timeout", 10);
    c.init = j.value("init", false);
    c.tty = j.value("tty", false);
    c.stdin_open = j.value("stdin_open", false);
    c.auto_remove = j.value("auto_remove", false);
    c.volumes = j.value("volumes", std::vector<std::string>{});
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + ": invalid container config: " + e.what());
  }
}

void save_config(const std::string& container_dir, const ContainerConfig& config) {
  base::write_file_atomic(container_dir + "/config.json", config_to_json(config), 0644, base::Durability::Replace);
}

ContainerConfig load_config(const std::string& container_dir) {
  const std::string path = container_dir + "/config.json";
  return config_from_json(base::read_file(path), path);
}

namespace {

struct SignalName {
  const char* name;
  int number;
};

const SignalName kSignals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT},   {"ILL", SIGILL},       {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"IOT", SIGIOT},     {"BUS", SIGBUS},     {"FPE", SIGFPE},       {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},   {"URG", SIGURG},       {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH},   {"IO", SIGIO},
    {"PWR", SIGPWR},   {"SYS", SIGSYS},
};

}  // namespace

int parse_signal(const std::string& text) {
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
    size_t used = 0;
    int n = -1;
    try {
      n = std::stoi(text, &used);
    } catch (const std::exception&) {
    }
    if (used == text.size() && n > 0 && n <= SIGRTMAX) return n;
    throw Error("invalid signal: " + text);
  }
  std::string name;
  for (char c : text) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  for (const auto& s : kSignals)
    if (name == s.name) return s.number;
  if (name.rfind("RTMIN", 0) == 0 || name.rfind("RTMAX", 0) == 0) {
    const bool min = name[2] == 'M' && name[3] == 'I';
    const std::string rest = name.substr(5);
    int offset = 0;
    if (!rest.empty()) {
      try {
        offset = std::stoi(rest);
      } catch (const std::exception&) {
        throw Error("invalid signal: " + text);
      }
    }
    const int n = min ? SIGRTMIN + offset : SIGRTMAX + offset;
    if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
  }
  throw Error("invalid signal: " + text);
}

std::string signal_name(int signal) {
  for (const auto& s : kSignals)
    if (s.number == signal && std::string(s.name) != "IOT") return std::string("SIG") + s.name;
  return std::to_string(signal);
}

}  // namespace stack::engine
