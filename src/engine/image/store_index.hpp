// Reading and updating the store's index and image records (internal to the store).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/image/reference.hpp"
#include "engine/image/store_records.hpp"

namespace stack::engine::image::index {

// repositories.json; empty when the store is new.
records::Index read(const std::string& store_dir);
// Reads, changes and replaces the index under index.lock, so concurrent commands
// never lose each other's changes.
void update(const std::string& store_dir, const std::function<void(records::Index&)>& change);

// The key a reference has in the index: "repo@digest" when it has a digest, else "repo:tag".
std::string key_of(const Reference& reference);
// References naming `id`: tags first, then digests, each sorted.
std::vector<std::string> references_of(const records::Index& index, const std::string& id);

std::string record_path(const std::string& store_dir, const std::string& id);
std::optional<ImageRecord> read_record(const std::string& store_dir, const std::string& id);
std::vector<ImageRecord> read_all_records(const std::string& store_dir);
// The image whose id starts with `prefix` (hex digits, "sha256:" optional); a prefix
// matching several is a stack::Error.
std::optional<ImageEntry> find_by_prefix(const std::string& store_dir, std::string_view prefix,
                                         const records::Index& index);

}  // namespace stack::engine::image::index
