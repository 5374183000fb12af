#include "cli/go_template.hpp"

#include <nlohmann/json.hpp>
#include <vector>

#include "base/error.hpp"

namespace stack::cli {
namespace {

struct Piece {
  std::string text;
  bool action = false;  // text is an action's content, trimmed
};

std::vector<Piece> split_pieces(const std::string& tmpl) {
  std::vector<Piece> out;
  size_t i = 0;
  while (i < tmpl.size()) {
    const size_t open = tmpl.find("{{", i);
    if (open == std::string::npos) {
      out.push_back({tmpl.substr(i)});
      break;
    }
    if (open > i) out.push_back({tmpl.substr(i, open - i)});
    const size_t close = tmpl.find("}}", open);
    if (close == std::string::npos) throw Error("template: unclosed action in \"" + tmpl + "\"");
    std::string action = tmpl.substr(open + 2, close - open - 2);
    const size_t first = action.find_first_not_of(' '), last = action.find_last_not_of(' ');
    out.push_back({first == std::string::npos ? "" : action.substr(first, last - first + 1), true});
    i = close + 2;
  }
  return out;
}

// ".A.B" (or ".") under `dot`; nullptr when a key is missing.
const nlohmann::json* field(const nlohmann::json& dot, const std::string& path) {
  if (path.empty() || path[0] != '.') throw Error("template: \"" + path + "\" is not a field (.Name)");
  const nlohmann::json* at = &dot;
  for (size_t i = 1; i < path.size();) {
    size_t next = path.find('.', i);
    if (next == std::string::npos) next = path.size();
    const std::string key = path.substr(i, next - i);
    if (key.empty()) throw Error("template: bad field path \"" + path + "\"");
    if (!at->is_object() || !at->contains(key)) return nullptr;
    at = &(*at)[key];
    i = next + 1;
  }
  return at;
}

std::vector<std::string> words(const std::string& action) {
  std::vector<std::string> out;
  for (size_t i = 0; i < action.size();) {
    if (action[i] == ' ') {
      ++i;
      continue;
    }
    const bool quoted = action[i] == '"';
    const size_t end = quoted ? action.find('"', i + 1) : action.find(' ', i);
    if (quoted && end == std::string::npos) throw Error("template: unterminated string in \"" + action + "\"");
    const size_t stop = end == std::string::npos ? action.size() : end + (quoted ? 1 : 0);
    out.push_back(action.substr(i, stop - i));
    i = stop;
  }
  return out;
}

// `index X k...`: an integer indexes an array, a "string" an object.
nlohmann::json index_into(nlohmann::json at, const std::vector<std::string>& keys, const std::string& action) {
  for (const std::string& k : keys) {
    const bool quoted = k.size() >= 2 && k.front() == '"';
    if (quoted && at.is_object() && at.contains(k.substr(1, k.size() - 2))) {
      at = at[k.substr(1, k.size() - 2)];
    } else if (!quoted && at.is_array() && k.find_first_not_of("0123456789") == std::string::npos && !k.empty() &&
               std::stoul(k) < at.size()) {
      at = at[std::stoul(k)];
    } else {
      throw Error("template: " + action + ": no entry " + k);
    }
  }
  return at;
}

nlohmann::json evaluate(const std::string& action, const nlohmann::json& dot, bool& as_json);

// "(index .A 1).B": the parenthesized value, then the field path after it.
nlohmann::json evaluate_group(const std::string& group, const nlohmann::json& dot) {
  const size_t close = group.rfind(')');
  if (close == std::string::npos) throw Error("template: unclosed ( in \"" + group + "\"");
  bool ignored = false;
  const nlohmann::json inner = evaluate(group.substr(1, close - 1), dot, ignored);
  const std::string rest = group.substr(close + 1);
  if (rest.empty()) return inner;
  const nlohmann::json* v = field(inner, rest);
  if (!v) throw Error("template: no field \"" + rest + "\" in \"" + group + "\"");
  return *v;
}

// The value of an action other than range/end: FIELD, json FIELD, index FIELD KEY...,
// (GROUP).FIELD.
nlohmann::json evaluate(const std::string& action, const nlohmann::json& dot, bool& as_json) {
  as_json = action.rfind("json ", 0) == 0;
  const std::string rest = as_json ? action.substr(5) : action;
  if (!rest.empty() && rest.front() == '(') return evaluate_group(rest, dot);
  std::vector<std::string> w = words(rest);
  const bool index = !w.empty() && w[0] == "index";
  if (index) w.erase(w.begin());
  if (w.empty() || (!index && w.size() > 1)) throw Error("template: unsupported action \"{{" + action + "}}\"");
  const nlohmann::json* v = field(dot, w[0]);
  if (!v) throw Error("template: no field \"" + w[0] + "\"");
  return index ? index_into(*v, {w.begin() + 1, w.end()}, action) : *v;
}

std::string plain(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "<nil>";
  return v.dump();
}

// Renders pieces from `at` until the {{end}} of the current block (or the end); returns
// the position after it.
size_t render(const std::vector<Piece>& pieces, size_t at, const nlohmann::json& dot, std::string* out, bool in_block) {
  while (at < pieces.size()) {
    const Piece& p = pieces[at++];
    if (!p.action) {
      if (out) *out += p.text;
    } else if (p.text == "end") {
      if (!in_block) throw Error("template: {{end}} without {{range}}");
      return at;
    } else if (p.text.rfind("range ", 0) == 0) {
      bool as_json = false;
      const nlohmann::json items = out ? evaluate(p.text.substr(6), dot, as_json) : nlohmann::json();
      size_t after = render(pieces, at, dot, nullptr, true);  // finds the block's end
      if (out && (items.is_array() || items.is_object()))
        for (const nlohmann::json& item : items) render(pieces, at, item, out, true);
      at = after;
    } else if (out) {
      bool as_json = false;
      const nlohmann::json v = evaluate(p.text, dot, as_json);
      *out += as_json ? v.dump() : plain(v);
    }
  }
  if (in_block) throw Error("template: {{range}} without {{end}}");
  return at;
}

std::string unescape(const std::string& text) {
  std::string out;
  for (size_t k = 0; k < text.size(); ++k) {
    if (text[k] == '\\' && k + 1 < text.size() && (text[k + 1] == 'n' || text[k + 1] == 't')) {
      out += text[k + 1] == 'n' ? '\n' : '\t';
      ++k;
    } else {
      out += text[k];
    }
  }
  return out;
}

}  // namespace

std::string render_template(const std::string& tmpl, const nlohmann::json& value) {
  std::string out;
  render(split_pieces(tmpl), 0, value, &out, false);
  return unescape(out);  // as docker, which unescapes the common "\n" / "\t"
}

}  // namespace stack::cli
