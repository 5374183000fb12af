// Generated container names, in the spirit of Docker's: an adjective and the surname of
// a scientist or engineer, joined with '_'.
#include <iterator>
#include <string>

#include "engine/containers.hpp"

namespace stack::engine {

std::string generate_container_name(unsigned seed) {
  static const char* const kLeft[] = {
      "admiring", "agitated", "amazing", "bold",     "brave",    "busy",      "clever",  "cool",
      "dazzling", "eager",    "elastic", "festive",  "focused",  "friendly",  "gallant", "gifted",
      "happy",    "hopeful",  "jolly",   "keen",     "kind",     "lucid",     "modest",  "nifty",
      "optimistic", "patient", "quirky", "relaxed",  "serene",   "sharp",     "stoic",   "vibrant"};
  static const char* const kRight[] = {
      "babbage", "bardeen", "bell",     "curie",    "darwin",  "dijkstra", "einstein", "euler",
      "fermi",   "feynman", "galileo",  "gauss",    "hopper",  "hypatia",  "kepler",   "knuth",
      "lamarr",  "liskov",  "lovelace", "maxwell",  "meitner", "newton",   "noether",  "pascal",
      "ritchie", "shannon", "tesla",    "thompson", "turing",  "wozniak",  "wright",   "yalow"};
  const unsigned left = seed % std::size(kLeft);
  const unsigned right = (seed / std::size(kLeft)) % std::size(kRight);
  std::string name = std::string(kLeft[left]) + "_" + kRight[right];
  // Past every pair, a number keeps names unique, as Docker does on retries.
  const unsigned round = seed / (std::size(kLeft) * std::size(kRight));
  if (round > 0) name += std::to_string(round);
  return name;
}

}  // namespace stack::engine
