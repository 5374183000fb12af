#include "engine/image/http.hpp"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "base/files.hpp"
#include "base/strings.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/curl_api.hpp"
#include "engine/image/http_url.hpp"

namespace stack::engine::image {
namespace {

// Error documents and manifests are small (registries cap manifests at 4 MiB); a larger
// body in memory is a misbehaving server, not something to buffer.
constexpr size_t kMaxMemoryBody = 16u << 20;
constexpr int kMaxRedirects = 5;

// One handle per thread, reset before each request: it keeps its connections (and TLS
// sessions) open between the many requests of a pull to the same registry.
CURL* thread_handle() {
  struct Holder {
    CURL* handle = nullptr;
    ~Holder() {
      if (handle != nullptr) curl_api().easy_cleanup(handle);
    }
  };
  thread_local Holder holder;
  const CurlApi& api = curl_api();
  if (holder.handle == nullptr) {
    holder.handle = api.easy_init();
    if (holder.handle == nullptr) throw Error("curl_easy_init failed");
  } else {
    api.easy_reset(holder.handle);
  }
  return holder.handle;
}

class HeaderList {
 public:
  ~HeaderList() {
    if (list_ != nullptr) curl_api().slist_free_all(list_);
  }
  void append(const std::string& header) {
    curl_slist* next = curl_api().slist_append(list_, header.c_str());
    if (next == nullptr) throw std::bad_alloc();
    list_ = next;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

// The state the callbacks share with one curl_easy_perform.
struct Transfer {
  Transfer(const HttpRequest& r, HttpResponse& out) : request(r), response(out) {}
  const HttpRequest& request;
  HttpResponse& response;
  UniqueFd body_fd;
  uint64_t sent = 0;
  UniqueFd out_fd;
  bool to_file = false;  // the current response's body goes to output_file
  uint64_t written = 0;  // bytes in output_file, a resumed prefix included
  uint64_t total = 0;    // expected size of output_file, 0 when unknown
  std::exception_ptr failure;  // thrown inside a callback, rethrown after perform
};

uint64_t parse_u64(std::string_view text) {
  return text.empty() ? 0 : std::strtoull(std::string(text).c_str(), nullptr, 10);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// The status is known: decide where a 2xx body goes and where in output_file it starts.
void headers_done(Transfer& t) {
  const long status = t.response.status;
  t.to_file = status >= 200 && status < 300 && !t.request.output_file.empty() && t.request.method != "HEAD";
  if (!t.to_file) return;
  const std::string& path = t.request.output_file;
  if (!t.out_fd) {
    t.out_fd.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    if (!t.out_fd) throw syscall_error("open " + path);
  }
  const uint64_t length = parse_u64(t.response.header("Content-Length").value_or(""));
  t.response.resumed = status == 206 && t.request.resume_from > 0;
  if (t.response.resumed) {
    std::string expected = "bytes " + std::to_string(t.request.resume_from) + "-";
    if (!t.response.header("Content-Range").value_or("").starts_with(expected)) {
      throw Error(t.response.url + ": the partial response does not start at byte " +
                  std::to_string(t.request.resume_from));
    }
  }
  t.written = t.response.resumed ? t.request.resume_from : 0;
  t.total = length == 0 ? 0 : t.written + length;
  if (::ftruncate(t.out_fd.get(), static_cast<off_t>(t.written)) < 0) throw syscall_error("truncate " + path);
  if (::lseek(t.out_fd.get(), static_cast<off_t>(t.written), SEEK_SET) < 0) throw syscall_error("seek " + path);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t length = size * count;
  try {
    std::string_view line(data, length);
    if (line.starts_with("HTTP/")) {  // a new response (after a 100 or a proxy's CONNECT)
      t.response.headers.clear();
      size_t space = line.find(' ');
      t.response.status = space == std::string_view::npos ? 0 : std::strtol(data + space + 1, nullptr, 10);
      return length;
    }
    line = trim(line);
    if (line.empty()) {
      headers_done(t);
      return length;
    }
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      t.response.headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
    }
    return length;
  } catch (...) {
    t.failure = std::current_exception();
    return 0;
  }
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t length = size * count;
  try {
    if (!t.to_file) {
      if (t.response.body.size() + length > kMaxMemoryBody) throw Error(t.response.url + ": response larger than 16 MiB");
      t.response.body.append(data, length);
      return length;
    }
    if (!base::write_all(t.out_fd.get(), std::string_view(data, length))) {
      throw syscall_error("write " + t.request.output_file);
    }
    t.written += length;
    if (t.request.progress) t.request.progress(t.written, t.total);
    return length;
  } catch (...) {
    t.failure = std::current_exception();
    return 0;
  }
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const HttpRequest& r = t.request;
  try {
    const uint64_t total = r.body_file.empty() ? r.body.size() : r.body_length;
    const size_t want = static_cast<size_t>(std::min<uint64_t>(size * count, total - t.sent));
    if (want == 0) return 0;
    ssize_t n = 0;
    if (r.body_file.empty()) {
      std::memcpy(buffer, r.body.data() + t.sent, want);
      n = static_cast<ssize_t>(want);
    } else {
      do n = ::pread(t.body_fd.get(), buffer, want, static_cast<off_t>(r.body_offset + t.sent));
      while (n < 0 && errno == EINTR);
      if (n < 0) throw syscall_error("read " + r.body_file);
      if (n == 0) throw Error("read " + r.body_file + ": the file is shorter than the upload");
    }
    t.sent += static_cast<uint64_t>(n);
    if (r.progress) r.progress(t.sent, total);
    return static_cast<size_t>(n);
  } catch (...) {
    t.failure = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

// curl rewinds the body when it resends a request on a fresh connection.
int on_seek(void* user, curl_off_t offset, int origin) {
  auto& t = *static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  t.sent = static_cast<uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

TransportError transport_error(CURLcode rc, const char* detail, const Transfer& t, const std::string& url) {
  std::string cause = detail[0] != '\0' ? detail : curl_api().easy_strerror(rc);
  bool unreachable = rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT ||
                     (rc == CURLE_OPERATION_TIMEDOUT && t.response.status == 0);
  if (unreachable) return TransportError("cannot reach " + url_authority(url) + ": " + cause, false);
  if (rc == CURLE_SSL_CONNECT_ERROR && url.rfind("https://", 0) == 0) {
    // Most often a registry that speaks plain HTTP (docker: "server gave HTTP response to
    // HTTPS client"): say how to allow that.
    return TransportError(t.request.method + " " + url + ": TLS handshake failed: " + cause, false,
                          "if " + url_authority(url) + " serves plain HTTP, list it in \"insecure-registries\" of "
                          "/etc/stack/config.json or <state root>/config.json");
  }
  return TransportError(t.request.method + " " + url + ": " + cause, t.to_file);
}

void set_body_options(CURL* h, Transfer& t, HeaderList& headers) {
  const CurlApi& api = curl_api();
  const HttpRequest& r = t.request;
  if (r.method == "HEAD") {
    api.easy_setopt(h, CURLOPT_NOBODY, 1L);
    return;
  }
  if (r.method == "GET") {
    api.easy_setopt(h, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (!r.body_file.empty()) {
    t.body_fd.reset(::open(r.body_file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!t.body_fd) throw syscall_error("open " + r.body_file);
  }
  const uint64_t length = r.body_file.empty() ? r.body.size() : r.body_length;
  headers.append("Expect:");  // no 100-continue round trip before each chunk
  api.easy_setopt(h, CURLOPT_UPLOAD, 1L);
  api.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
  api.easy_setopt(h, CURLOPT_READFUNCTION, on_read);
  api.easy_setopt(h, CURLOPT_READDATA, &t);
  api.easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
  api.easy_setopt(h, CURLOPT_SEEKDATA, &t);
  if (r.method != "PUT") api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
}

HttpResponse perform_once(const HttpRequest& request, const std::string& url, const std::vector<std::string>& headers) {
  const CurlApi& api = curl_api();
  CURL* h = thread_handle();
  HttpResponse response;
  response.url = url;
  Transfer t(request, response);
  HeaderList list;
  for (const auto& header : headers) list.append(header);
  if (request.resume_from > 0 && !request.output_file.empty()) {
    list.append("Range: bytes=" + std::to_string(request.resume_from) + "-");
  }
  set_body_options(h, t, list);
  char error[CURL_ERROR_SIZE] = "";
  api.easy_setopt(h, CURLOPT_URL, url.c_str());
  api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(h, CURLOPT_HTTPHEADER, list.get());
  api.easy_setopt(h, CURLOPT_USERAGENT, "stack/0.1");
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we are multithreaded
  api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
  api.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  api.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
  api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  api.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  api.easy_setopt(h, CURLOPT_HEADERDATA, &t);
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &t);
  const CURLcode rc = api.easy_perform(h);
  api.easy_reset(h);  // drops the pointers to this frame (error buffer, header list, t)
  if (t.failure) std::rethrow_exception(t.failure);
  // An error document cut short still carries its status. Distribution answers a range
  // past the end with 416 but the blob's Content-Length, so every such answer is "short".
  const bool short_error = rc == CURLE_PARTIAL_FILE && !t.to_file && response.status >= 300;
  if (rc != CURLE_OK && !short_error) throw transport_error(rc, error, t, url);
  return response;
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  const std::string wanted = base::to_lower(name);
  for (const auto& [key, value] : headers) {
    if (base::to_lower(key) == wanted) return value;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
  const std::string wanted = base::to_lower(name);
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (base::to_lower(key) == wanted) values.push_back(value);
  }
  return values;
}

HttpResponse http_perform(const HttpRequest& request) {
  const std::string origin = url_origin(request.url);
  std::string url = request.url;
  std::vector<std::string> headers = request.headers;
  for (int hop = 0;; ++hop) {
    HttpResponse response = perform_once(request, url, headers);
    std::optional<std::string> location = response.header("Location");
    if (!request.follow_redirects || !is_redirect(response.status) || !location) return response;
    if (hop == kMaxRedirects) throw Error(request.url + ": more than 5 redirects");
    url = resolve_location(url, *location);
    if (url_origin(url) != origin) {
      std::erase_if(headers, [](const std::string& h) { return base::to_lower(h).starts_with("authorization:"); });
    }
  }
}

}  // namespace stack::engine::image
