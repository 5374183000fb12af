#include "net/nft_api.hpp"

#include <nftables/libnftables.h>

#include "base/error.hpp"
#include "base/shared_library.hpp"

namespace stack::net {
namespace {

// The functions used, typed from the installed header (libnftables.so.1's ABI is stable).
struct NftApi {
  decltype(&nft_ctx_new) ctx_new = nullptr;
  decltype(&nft_ctx_free) ctx_free = nullptr;
  decltype(&nft_ctx_output_get_flags) output_get_flags = nullptr;
  decltype(&nft_ctx_output_set_flags) output_set_flags = nullptr;
  decltype(&nft_ctx_buffer_output) buffer_output = nullptr;
  decltype(&nft_ctx_buffer_error) buffer_error = nullptr;
  decltype(&nft_ctx_get_output_buffer) get_output_buffer = nullptr;
  decltype(&nft_ctx_get_error_buffer) get_error_buffer = nullptr;
  decltype(&nft_run_cmd_from_buffer) run_cmd_from_buffer = nullptr;
};

NftApi load() {
  const base::SharedLibrary library("libnftables.so.1", "libnftables1");
  NftApi api;
  library.bind(api.ctx_new, "nft_ctx_new");
  library.bind(api.ctx_free, "nft_ctx_free");
  library.bind(api.output_get_flags, "nft_ctx_output_get_flags");
  library.bind(api.output_set_flags, "nft_ctx_output_set_flags");
  library.bind(api.buffer_output, "nft_ctx_buffer_output");
  library.bind(api.buffer_error, "nft_ctx_buffer_error");
  library.bind(api.get_output_buffer, "nft_ctx_get_output_buffer");
  library.bind(api.get_error_buffer, "nft_ctx_get_error_buffer");
  library.bind(api.run_cmd_from_buffer, "nft_run_cmd_from_buffer");
  return api;
}

const NftApi& nft_api() { return base::load_once<NftApi>(load); }

// nft's message without its trailing newline, the failed command line and caret kept.
std::string trimmed(const char* text) {
  std::string s = text == nullptr ? "" : text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "unknown error" : s;
}

class LibNftables final : public Nft {
 public:
  ~LibNftables() override {
    if (ctx_ != nullptr) nft_api().ctx_free(ctx_);
  }

  std::string run(const std::string& commands, Output output) override {
    const NftApi& api = context();
    const unsigned flags = api.output_get_flags(ctx_);
    api.output_set_flags(ctx_, output == Output::Json ? flags | NFT_CTX_OUTPUT_JSON : flags & ~NFT_CTX_OUTPUT_JSON);
    const int rc = api.run_cmd_from_buffer(ctx_, commands.c_str());
    // Reading a buffer also rewinds it: both are read every time, so that neither a
    // listing nor an error message carries text of an earlier command.
    const char* out = api.get_output_buffer(ctx_);
    const char* err = api.get_error_buffer(ctx_);
    if (rc != 0)
      throw Error("nftables: " + trimmed(err), "stack needs the nf_tables kernel module and root (CAP_NET_ADMIN)");
    return out == nullptr ? "" : out;
  }

 private:
  // One context per firewall, made on first use; output and errors go to buffers.
  const NftApi& context() {
    const NftApi& api = nft_api();
    if (ctx_ == nullptr) {
      ctx_ = api.ctx_new(NFT_CTX_DEFAULT);
      if (ctx_ == nullptr) throw Error("nftables: cannot create a context");
      api.buffer_output(ctx_);
      api.buffer_error(ctx_);
    }
    return api;
  }

  nft_ctx* ctx_ = nullptr;
};

}  // namespace

std::unique_ptr<Nft> make_libnftables() { return std::make_unique<LibNftables>(); }

}  // namespace stack::net
