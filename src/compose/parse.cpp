#include "compose/parse.hpp"

#include <yaml-cpp/yaml.h>

namespace stack::compose {
namespace {

// Aliases are expanded by copying; these bound what a hostile file can make us build.
constexpr size_t kMaxNodes = 2'000'000;
constexpr int kMaxDepth = 256;

class Converter {
 public:
  explicit Converter(std::shared_ptr<const std::string> file) : file_(std::move(file)) {}

  Node convert(const YAML::Node& in, int depth) {
    if (++count_ > kMaxNodes) throw error_at(mark_of(in), "", "document too large (too many nodes after expanding aliases)");
    if (depth > kMaxDepth) throw error_at(mark_of(in), "", "document nested too deeply");
    Mark mark = mark_of(in);
    std::string tag = in.Tag();
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: {
        Node n = Node::null(mark);
        n.tag = explicit_tag(tag);
        return n;
      }
      case YAML::NodeType::Scalar: {
        // `key: !reset` with nothing after the tag arrives as an empty scalar: it is null.
        if (in.Scalar().empty() && !explicit_tag(tag).empty()) {
          Node n = Node::null(mark);
          n.tag = explicit_tag(tag);
          return n;
        }
        // yaml-cpp marks quoted scalars with the non-specific tag "!", plain ones with "?".
        bool quoted = tag == "!" || tag == "tag:yaml.org,2002:str";
        Node n = Node::scalar(in.Scalar(), quoted ? Node::Style::Quoted : Node::Style::Plain, mark);
        n.tag = explicit_tag(tag);
        return n;
      }
      case YAML::NodeType::Sequence: {
        Node n = Node::sequence(mark);
        n.tag = explicit_tag(tag);
        n.items.reserve(in.size());
        for (const auto& item : in) n.items.push_back(convert(item, depth + 1));
        return n;
      }
      case YAML::NodeType::Map:
        return convert_map(in, mark, explicit_tag(tag), depth);
    }
    return Node::null(mark);
  }

 private:
  Node convert_map(const YAML::Node& in, const Mark& mark, std::string tag, int depth) {
    Node n = Node::mapping(mark);
    n.tag = std::move(tag);
    std::vector<Node> merges;  // values of "<<" keys, applied after explicit keys
    for (auto it = in.begin(); it != in.end(); ++it) {
      // A copy (a cheap handle): `it->` yields a temporary pair, so a reference
      // to its `first` dangles after this statement (ASan: stack-use-after-scope).
      const YAML::Node key = it->first;
      Mark key_mark = mark_of(key);
      if (!key.IsScalar()) throw error_at(key_mark, "", "mapping keys must be strings");
      std::string name = key.Scalar();
      if (name == "<<" && key.Tag() == "?") {
        merges.push_back(convert(it->second, depth + 1));
        continue;
      }
      if (n.find_entry(name)) throw error_at(key_mark, "", "duplicate key \"" + name + "\"");
      n.entries.push_back(Entry{std::move(name), key_mark, convert(it->second, depth + 1)});
    }
    for (const Node& merge : merges) apply_merge(n, merge);
    return n;
  }

  // `<<: *a` or `<<: [*a, *b]`: add keys the map does not have yet, in that order.
  void apply_merge(Node& target, const Node& merge) {
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

  static std::string explicit_tag(const std::string& tag) {
    if (tag.size() > 1 && tag[0] == '!' && tag[1] != '!') return tag;
    return {};
  }

  Mark mark_of(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    Mark out;
    out.file = file_;
    if (m.line >= 0) out.line = m.line + 1;
    if (m.column >= 0) out.column = m.column + 1;
    return out;
  }

  std::shared_ptr<const std::string> file_;
  size_t count_ = 0;
};

}  // namespace

Node parse_yaml(std::string_view content, const std::string& filename) {
  auto file = std::make_shared<const std::string>(filename);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    Mark mark;
    mark.file = file;
    if (!e.mark.is_null()) {
      mark.line = e.mark.line + 1;
      mark.column = e.mark.column + 1;
    }
    throw error_at(mark, "", "invalid YAML: " + e.msg);
  }
  try {
    return Converter(file).convert(root, 0);
  } catch (const YAML::Exception& e) {
    Mark mark;
    mark.file = file;
    throw error_at(mark, "", "invalid YAML: " + e.msg);
  }
}

}  // namespace stack::compose
