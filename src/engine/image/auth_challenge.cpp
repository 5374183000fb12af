#include "engine/image/auth_challenge.hpp"

#include "base/strings.hpp"

namespace stack::engine::image {
namespace {

// A cursor over the header value with the few lexical rules of RFC 7235.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!done() && (peek() == ' ' || peek() == '\t')) ++pos_;
  }
  void skip_separators() {
    while (!done() && (peek() == ' ' || peek() == '\t' || peek() == ',')) ++pos_;
  }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  size_t position() const { return pos_; }
  void rewind(size_t pos) { pos_ = pos; }

  // A token: anything up to a space, '=', ',' or '"'.
  std::string token() {
    size_t start = pos_;
    while (!done() && peek() != ' ' && peek() != '\t' && peek() != '=' && peek() != ',' && peek() != '"') ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  // A quoted string after its opening quote; an unterminated one runs to the end.
  std::string quoted() {
    std::string out;
    while (!done() && peek() != '"') {
      if (peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    consume('"');
    return out;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Reads `name=value` at the cursor; false (cursor unchanged) when the next token is not
// followed by '=', i.e. it starts the next challenge.
bool read_param(Lexer& lex, AuthChallenge& challenge) {
  size_t start = lex.position();
  std::string name = lex.token();
  lex.skip_space();
  if (name.empty() || !lex.consume('=')) {
    lex.rewind(start);
    return false;
  }
  lex.skip_space();
  std::string value = lex.consume('"') ? lex.quoted() : lex.token();
  challenge.params[base::to_lower(name)] = value;
  return true;
}

}  // namespace

std::string AuthChallenge::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::vector<AuthChallenge> parse_www_authenticate(std::string_view header) {
  std::vector<AuthChallenge> challenges;
  Lexer lex(header);
  lex.skip_separators();
  while (!lex.done()) {
    std::string scheme = lex.token();
    if (scheme.empty()) return challenges;  // '=' or '"' where a scheme belongs: not a challenge
    AuthChallenge challenge{base::to_lower(scheme), {}};
    lex.skip_space();
    while (!lex.done()) {
      lex.skip_separators();
      if (!read_param(lex, challenge)) break;
    }
    challenges.push_back(std::move(challenge));
    lex.skip_separators();
  }
  return challenges;
}

}  // namespace stack::engine::image
