// How container listings read, as docker's: "Up 5 seconds (healthy)", "Exited (0) 2
// minutes ago", quoted and shortened commands, Docker-shaped inspect documents and
// the {{.Path}} / {{json .Path}} templates of --format.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/go_template.hpp"
#include "engine/containers.hpp"

namespace stack::cli {

// docker's units.HumanDuration: "Less than a second", "3 seconds", "About a minute", ...
std::string human_duration(int64_t seconds);
// docker's units.HumanSize: 3 significant digits, decimal units ("4.26MB", "980B").
std::string human_size(double bytes);
// Seconds from an RFC 3339 time to now (0 for an empty or unreadable time).
int64_t seconds_since(const std::string& rfc3339);
std::string status_text(const engine::ContainerView& v);
// The command as the user gave it: with --init the engine runs it under docker-init,
// which docker never shows (ps's COMMAND, inspect's Path and Args).
std::vector<std::string> user_args(const std::vector<std::string>& args);
// "\"sh -c 'echo hi'\"", shortened to 20 characters with "…" unless no_trunc.
std::string command_text(const std::vector<std::string>& args, bool no_trunc);

nlohmann::json inspect_document(const engine::ContainerView& v, const engine::runtime::Spec& spec,
                                const engine::Layout& layout);
// Columns padded to their widest cell (UTF-8 aware) with 3 spaces between, as docker's tables.
void print_table(const std::vector<std::vector<std::string>>& rows);
// docker's `<object> inspect [-f FORMAT] NAME...`: each object's document from `document`
// (which throws stack::Error, "No such network: x", for one it cannot find), all as one
// indented JSON array, or each through the template. A failure is "Error: <message>" on
// stderr and the others are still shown; returns the exit code (1 when any failed).
int print_inspected(const std::vector<std::string>& names, const std::string& format,
                    const std::function<nlohmann::json(const std::string&)>& document);
// A listing's --format other than "table" and "json" (which the caller prints), as
// docker's: "table TEMPLATE" is a header row (the template rendered over `headers`,
// which maps each field to its column title) then a row per item, cells split at tabs
// and padded as print_table; a bare TEMPLATE is one line per item.
void print_templated(const std::string& format, const std::vector<nlohmann::json>& items, const nlohmann::json& headers);

}  // namespace stack::cli
