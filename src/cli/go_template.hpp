// The subset of Go's text/template that docker's --format users write, over a JSON
// document: {{.A.B}} and {{.}}, {{json .A}}, {{index .A 1 "key"}}, and
// {{range .A}}...{{end}} over an array's elements or an object's values (in key order),
// with the element as the dot inside. "\n" and "\t" in the text are a newline and a tab.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace stack::cli {

// A field that is missing, or an action outside the subset, is a stack::Error naming it.
std::string render_template(const std::string& tmpl, const nlohmann::json& value);

}  // namespace stack::cli
