#include "net/nft_api.hpp"

#include <dlfcn.h>
#include <nftables/libnftables.h>

#include <mutex>
#include <optional>

#include "base/error.hpp"

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

template <typename Fn>
void bind_symbol(void* library, Fn& fn, const char* name) {
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) throw Error(std::string("libnftables.so.1 has no ") + name, "install the libnftables1 package");
  fn = reinterpret_cast<Fn>(symbol);
}

NftApi load() {
  // RTLD_LOCAL: its dependencies stay out of the global symbol namespace.
  void* library = ::dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) throw Error("libnftables.so.1 not found: install the libnftables1 package");
  NftApi api;
  bind_symbol(library, api.ctx_new, "nft_ctx_new");
  bind_symbol(library, api.ctx_free, "nft_ctx_free");
  bind_symbol(library, api.output_get_flags, "nft_ctx_output_get_flags");
  bind_symbol(library, api.output_set_flags, "nft_ctx_output_set_flags");
  bind_symbol(library, api.buffer_output, "nft_ctx_buffer_output");
  bind_symbol(library, api.buffer_error, "nft_ctx_buffer_error");
  bind_symbol(library, api.get_output_buffer, "nft_ctx_get_output_buffer");
  bind_symbol(library, api.get_error_buffer, "nft_ctx_get_error_buffer");
  bind_symbol(library, api.run_cmd_from_buffer, "nft_run_cmd_from_buffer");
  return api;  // never dlclose'd: loaded once per process
}

const NftApi& nft_api() {
  static std::once_flag once;
  static std::optional<NftApi> api;
  static std::optional<Error> failure;
  std::call_once(once, [] {
    try {
      api = load();
    } catch (const Error& e) {
      failure = e;
    }
  });
  if (failure) throw *failure;
  return *api;
}

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
