#include "compose/parse.hpp"

#include <yaml.h>

#include <map>
#include <unordered_set>

namespace stack::compose {
namespace {

// Aliases are expanded by copying; these bound what a hostile file can make us build.
constexpr size_t kMaxNodes = 2'000'000;
constexpr int kMaxDepth = 256;

// libyaml's event stream -> Node. We use the event API rather than a DOM library
// because it is an order of magnitude faster on large files (see bench/compose_load.sh)
// and gives everything we keep: marks, tags, scalar style, anchors.
class EventParser {
 public:
  EventParser(std::string_view content, std::shared_ptr<const std::string> file) : file_(std::move(file)) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(content.data()), content.size());
  }
  ~EventParser() {
    if (has_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  Node parse_document() {
    next();  // STREAM-START
    next();
    if (event_.type == YAML_STREAM_END_EVENT) return Node::null(mark(event_.start_mark));
    next();  // past DOCUMENT-START
    if (event_.type == YAML_DOCUMENT_END_EVENT) return Node::null(mark(event_.start_mark));
    return parse_node(0);
  }

 private:
  void next() {
    if (has_event_) yaml_event_delete(&event_);
    has_event_ = false;
    if (!yaml_parser_parse(&parser_, &event_)) throw syntax_error();
    has_event_ = true;
  }

  Error syntax_error() const {
    std::string what = parser_.problem ? parser_.problem : "unknown error";
    if (parser_.context) what = std::string(parser_.context) + ", " + what;
    return error_at(mark(parser_.problem_mark), "", "invalid YAML: " + what);
  }

  Mark mark(const yaml_mark_t& m) const {
    Mark out;
    out.file = file_;
    out.line = static_cast<int>(m.line) + 1;
    out.column = static_cast<int>(m.column) + 1;
    return out;
  }

  static std::string explicit_tag(const yaml_char_t* tag) {
    if (!tag) return {};
    std::string t(reinterpret_cast<const char*>(tag));
    if (t.size() > 1 && t[0] == '!' && t[1] != '!') return t;
    return {};
  }

  static std::string text(const yaml_char_t* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

  void count(size_t n, const Mark& at) {
    nodes_ += n;
    if (nodes_ > kMaxNodes) throw error_at(at, "", "document too large (too many nodes after expanding aliases)");
  }

  // Parses the node whose first event is current; on return the current event is its last.
  Node parse_node(int depth) {
    const Mark at = mark(event_.start_mark);
    if (depth > kMaxDepth) throw error_at(at, "", "document nested too deeply");
    switch (event_.type) {
      case YAML_ALIAS_EVENT: return alias(at);
      case YAML_SCALAR_EVENT: return scalar(at);
      case YAML_SEQUENCE_START_EVENT: return sequence(at, depth);
      case YAML_MAPPING_START_EVENT: return mapping(at, depth);
      default: throw error_at(at, "", "invalid YAML: unexpected event");
    }
  }

  Node alias(const Mark& at) {
    auto it = anchors_.find(text(event_.data.alias.anchor));
    if (it == anchors_.end()) throw error_at(at, "", "invalid YAML: unknown anchor \"" + text(event_.data.alias.anchor) + "\"");
    count(it->second.second, at);
    return it->second.first;
  }

  void remember(const yaml_char_t* anchor, const Node& node, size_t size) {
    if (anchor) anchors_[text(anchor)] = {node, size};
  }

  Node scalar(const Mark& at) {
    count(1, at);
    const auto& s = event_.data.scalar;
    std::string value(reinterpret_cast<const char*>(s.value), s.length);
    std::string tag = explicit_tag(s.tag);
    const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
    const bool str_tag = s.tag && text(s.tag) == "tag:yaml.org,2002:str";
    Node n;
    // `key:`, `~` and `null` are null; so is a tag with nothing after it (`key: !reset`).
    if ((plain && !str_tag && (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL")) ||
        (value.empty() && !tag.empty())) {
      n = Node::null(at);
    } else {
      n = Node::scalar(std::move(value), plain && !str_tag ? Node::Style::Plain : Node::Style::Quoted, at);
    }
    n.tag = std::move(tag);
    remember(s.anchor, n, 1);
    return n;
  }

  Node sequence(const Mark& at, int depth) {
    const size_t before = nodes_;
    count(1, at);
    Node n = Node::sequence(at);
    n.tag = explicit_tag(event_.data.sequence_start.tag);
    std::string anchor = text(event_.data.sequence_start.anchor);
    for (next(); event_.type != YAML_SEQUENCE_END_EVENT; next()) n.items.push_back(parse_node(depth + 1));
    if (!anchor.empty()) anchors_[anchor] = {n, nodes_ - before};
    return n;
  }

  Node mapping(const Mark& at, int depth) {
    const size_t before = nodes_;
    count(1, at);
    Node n = Node::mapping(at);
    n.tag = explicit_tag(event_.data.mapping_start.tag);
    std::string anchor = text(event_.data.mapping_start.anchor);
    std::vector<Node> merges;  // values of "<<" keys, applied after explicit keys
    // Duplicate keys are looked up linearly in small maps and through a set in large
    // ones (a 500-service `services:` map made the linear scan quadratic).
    std::unordered_set<std::string> seen;
    for (next(); event_.type != YAML_MAPPING_END_EVENT; next()) {
      const Mark key_mark = mark(event_.start_mark);
      const bool merge_key = event_.type == YAML_SCALAR_EVENT && event_.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                             event_.data.scalar.length == 2 && text(event_.data.scalar.value) == "<<";
      Node key = parse_node(depth + 1);
      if (!key.is_scalar()) throw error_at(key_mark, "", "mapping keys must be strings");
      next();
      Node value = parse_node(depth + 1);
      if (merge_key) {
        merges.push_back(std::move(value));
        continue;
      }
      if (is_duplicate(n, seen, key.value)) throw error_at(key_mark, "", "duplicate key \"" + key.value + "\"");
      n.entries.push_back(Entry{std::move(key.value), key_mark, std::move(value)});
    }
    for (const Node& merge : merges) apply_merge(n, merge);
    if (!anchor.empty()) anchors_[anchor] = {n, nodes_ - before};
    return n;
  }

  static bool is_duplicate(const Node& map, std::unordered_set<std::string>& seen, const std::string& key) {
    constexpr size_t kLinear = 16;
    if (map.entries.size() < kLinear) return map.find_entry(key) != nullptr;
    if (seen.empty())
      for (const Entry& e : map.entries) seen.insert(e.key);
    return !seen.insert(key).second;
  }

  // `<<: *a` or `<<: [*a, *b]`: add the keys the map does not have yet; of several
  // merged maps, earlier ones win.
  static void apply_merge(Node& target, const Node& merge) {
    if (merge.is_mapping()) {
      for (const Entry& e : merge.entries)
        if (!target.find_entry(e.key)) target.entries.push_back(e);
      return;
    }
    if (merge.is_sequence()) {
      for (const Node& item : merge.items) {
        if (!item.is_mapping()) throw error_at(item, "", "merge key \"<<\" needs a mapping or a list of mappings");
        apply_merge(target, item);
      }
      return;
    }
    throw error_at(merge, "", "merge key \"<<\" needs a mapping or a list of mappings");
  }

  yaml_parser_t parser_;
  yaml_event_t event_{};
  bool has_event_ = false;
  std::shared_ptr<const std::string> file_;
  std::map<std::string, std::pair<Node, size_t>> anchors_;  // anchor -> (node, its node count)
  size_t nodes_ = 0;
};

}  // namespace

Node parse_yaml(std::string_view content, const std::string& filename) {
  EventParser parser(content, std::make_shared<const std::string>(filename));
  return parser.parse_document();
}

}  // namespace stack::compose
