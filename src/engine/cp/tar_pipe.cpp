#include "engine/cp/tar_pipe.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <thread>

#include "base/syscall_error.hpp"
#include "engine/image/tree_tar.hpp"

namespace stack::engine::cp {

void write_source_tar(const FsView& view, const std::vector<std::string>& components, const std::string& name,
                      image::TarWriter& tar) {
  image::TreeTar tree(tar, {});
  const Location where = locate(view, components);
  if (where.rel.empty()) {  // the root, or a mount's own directory
    UniqueFd dir(try_open(where, O_RDONLY | O_DIRECTORY));
    if (!dir) throw syscall_error("open " + shown_path(components));
    return tree.add_directory(dir.get(), name);
  }
  const size_t slash = where.rel.rfind('/');
  const Location parent{where.dir_fd, slash == std::string::npos ? "" : where.rel.substr(0, slash), where.read_only};
  UniqueFd dir(try_open(parent, O_PATH | O_DIRECTORY));
  if (!dir) throw syscall_error("open the directory of " + shown_path(components));
  tree.add(dir.get(), slash == std::string::npos ? where.rel : where.rel.substr(slash + 1), name);
}

uint64_t pipe_copy(const std::function<void(image::TarWriter&)>& produce, int dest_dir_fd,
                   const image::ExtractOptions& options) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw syscall_error("create a pipe");
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  // Set once the extraction ended: a write failing after that (EPIPE, as the read end is
  // closed) is its consequence, not a failure of the source.
  std::atomic<bool> extraction_done{false};
  std::exception_ptr source_error;
  bool source_failed_first = false;
  uint64_t bytes = 0;
  std::thread writer([&, out = std::move(write_end)]() mutable {
    // EPIPE instead of SIGPIPE here; a pending SIGPIPE of this thread dies with it.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    image::TarWriter tar(out.get());
    try {
      produce(tar);
      tar.finish();
    } catch (...) {
      source_error = std::current_exception();
      source_failed_first = !extraction_done.load();
    }
    bytes = tar.bytes_written();
    out.reset();  // the end of the stream for the extraction
  });
  std::exception_ptr extract_error;
  try {
    image::TarExtraction extraction(read_end.get());
    if (!extraction.is_tar()) throw Error("the copy stream ended before its first entry");
    extraction.extract_to(dest_dir_fd, options);
  } catch (...) {
    extract_error = std::current_exception();
  }
  extraction_done = true;
  read_end.reset();
  writer.join();
  if (source_error && source_failed_first) std::rethrow_exception(source_error);
  if (extract_error) std::rethrow_exception(extract_error);
  return bytes;
}

}  // namespace stack::engine::cp
