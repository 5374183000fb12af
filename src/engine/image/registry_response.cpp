#include "engine/image/registry_response.hpp"

#include <nlohmann/json.hpp>

namespace stack::engine::image {
namespace {

std::string json_messages(const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return {};
  std::string out;
  auto errors = doc.find("errors");
  if (errors != doc.end() && errors->is_array()) {
    for (const auto& error : *errors) {
      auto message = error.find("message");
      if (message == error.end() || !message->is_string()) continue;
      if (!out.empty()) out += "; ";
      out += message->get<std::string>();
    }
  }
  // Token servers answer {"details": "..."} (docker.io) or {"error": "..."}.
  for (const char* key : {"details", "error"}) {
    auto value = doc.find(key);
    if (out.empty() && value != doc.end() && value->is_string()) out = value->get<std::string>();
  }
  return out;
}

}  // namespace

std::string registry_message(const HttpResponse& response) {
  if (std::string message = json_messages(response.body); !message.empty()) return message;
  std::string content_type = response.header("Content-Type").value_or("");
  if (content_type.starts_with("text/plain") && !response.body.empty()) {
    std::string text = response.body.substr(0, 200);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    if (!text.empty()) return text;
  }
  return "HTTP " + std::to_string(response.status);
}

void throw_registry_error(const std::string& context, const HttpResponse& response) {
  throw Error(context + ": " + registry_message(response));
}

}  // namespace stack::engine::image
