// COPY, ADD and WORKDIR: steps that write into the image's filesystem without running
// anything in it, through a ScratchRoot.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/strings.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/build/build_state.hpp"
#include "engine/build/copy.hpp"
#include "engine/build/ignore.hpp"
#include "engine/build/scratch_root.hpp"
#include "engine/image/http.hpp"
#include "engine/image/scratch_files.hpp"
#include "engine/runtime/paths_in_root.hpp"
#include "engine/runtime/users.hpp"

namespace stack::engine::build {
namespace {

struct CopyFlags {
  std::string from, chown, chmod;
  std::vector<std::string> excludes;
};

CopyFlags copy_flags(const StageRun& stage, const Instruction& in) {
  CopyFlags f;
  const Lookup lookup = stage.lookup();
  for (const std::string& flag : in.flags) {
    const size_t eq = flag.find('=');
    const std::string name = flag.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : expand_word(flag.substr(eq + 1), lookup, stage.build.escape);
    if (name == "--from") f.from = value;
    if (name == "--chown") f.chown = value;
    if (name == "--chmod") f.chmod = value;
    if (name == "--exclude") f.excludes.push_back(value);
    if (name == "--parents" || name == "--checksum" || name == "--keep-git-dir")
      throw Error(stage.where(in) + name + " is not supported by this builder");
  }
  return f;
}

// The instruction's words: sources then the destination, variables expanded.
std::vector<std::string> copy_words(const StageRun& stage, const Instruction& in) {
  const Lookup lookup = stage.lookup();
  std::vector<std::string> words;
  if (in.json) {
    for (const std::string& a : in.args) words.push_back(expand_word(a, lookup, stage.build.escape));
  } else {
    words = expand_words(in.args.empty() ? "" : in.args[0], lookup, stage.build.escape);
  }
  if (words.size() < 2) throw Error(stage.where(in) + in.keyword + " requires at least two arguments");
  return words;
}

// The destination in the image, against WORKDIR; a trailing "/" is kept (it says "directory").
std::string destination(const StageRun& stage, const std::string& dest) {
  if (!dest.empty() && dest[0] == '/') return dest;
  std::string dir = stage.state.config.config.working_dir;
  if (dir.empty()) dir = "/";
  if (dir.back() != '/') dir += '/';
  if (dest == "." || dest == "./") return dir;
  return dir + (dest.rfind("./", 0) == 0 ? dest.substr(2) : dest);
}

CopyOptions copy_options(const StageRun& stage, const Instruction& in, const CopyFlags& f, int root_fd) {
  CopyOptions options;
  options.extract_archives = in.keyword == "ADD";
  if (!f.chown.empty()) {
    const std::string etc = "/proc/self/fd/" + std::to_string(root_fd) + "/etc";
    const size_t colon = f.chown.find(':');
    try {
      options.uid = runtime::resolve_user(f.chown.substr(0, colon), {}, etc).uid;
      // A user without a group means the same number as group, as Docker does.
      options.gid = colon == std::string::npos ? *options.uid
                                               : runtime::resolve_user("0:" + f.chown.substr(colon + 1), {}, etc).gid;
    } catch (const Error& e) {
      throw Error(stage.where(in) + "--chown=" + f.chown + ": " + e.what());
    }
  }
  if (!f.chmod.empty()) {
    size_t used = 0;
    unsigned long mode = 0;
    try {
      mode = std::stoul(f.chmod, &used, 8);
    } catch (const std::logic_error&) {
      used = 0;
    }
    if (used != f.chmod.size() || mode > 07777) throw Error(stage.where(in) + "invalid --chmod=" + f.chmod + ": an octal mode is expected");
    options.mode = static_cast<mode_t>(mode);
  }
  return options;
}

IgnoreRules ignore_rules(const std::string& context_dir, const std::vector<std::string>& excludes) {
  std::string text = context_dir.empty() ? "" : base::read_file_if_exists(context_dir + "/.dockerignore").value_or("");
  for (const std::string& e : excludes) text += "\n" + e;
  return IgnoreRules::parse(text);
}

bool is_url(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

// Where COPY reads from: the context, another stage, an image, or (for heredocs and ADD
// URLs) a scratch directory holding the files.
struct Source {
  std::unique_ptr<ScratchRoot> view;  // another stage's or image's root
  std::string dir;                    // a directory of the host (context or scratch)
  image::ScratchFiles scratch;         // scratch.dir: removed afterwards
  UniqueFd fd;
  std::string identity;  // what besides the content the cache key needs
};

void open_dir(Source& src, const std::string& dir) {
  src.dir = dir;
  src.fd = UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!src.fd) throw syscall_error("open " + dir);
}

// Heredoc sources and URLs become files in a scratch directory; the names they get are
// what the sources list then says.
void fetch_into_scratch(StageRun& stage, const Instruction& in, std::vector<std::string>& sources, Source& src) {
  const std::string dir = image::scratch_path(stage.build.store, "build-src");
  std::filesystem::create_directories(dir);
  src.scratch.dir = dir;
  for (std::string& s : sources) {
    if (s.rfind("<<", 0) == 0) {
      const std::string name = s.substr(s.find_first_not_of("<-\"'"));
      const std::string bare = name.substr(0, name.find_first_of("\"'"));
      auto doc = std::find_if(in.heredocs.begin(), in.heredocs.end(), [&](const Heredoc& h) { return h.name == bare; });
      if (doc == in.heredocs.end()) throw Error(stage.where(in) + "no heredoc named " + bare);
      const std::string content = doc->expand ? expand_word(doc->content, stage.lookup(), '\0') : doc->content;
      std::ofstream(dir + "/" + bare, std::ios::binary) << content;
      src.identity += "heredoc " + bare + "\n";
      s = bare;
    } else if (is_url(s)) {
      if (in.keyword != "ADD") throw Error(stage.where(in) + "source can't be a URL for COPY");
      std::string name = s.substr(s.find("://") + 3);
      name = name.substr(name.find_last_of('/') + 1);
      name = name.substr(0, name.find_first_of("?#"));
      if (name.empty()) name = "index.html";
      image::HttpRequest request;
      request.url = s;
      request.output_file = dir + "/" + name;
      request.follow_redirects = true;
      stage.build.host.say("Downloading " + s);
      const image::HttpResponse response = image::http_perform(request);
      if (response.status < 200 || response.status >= 300)
        throw Error(stage.where(in) + "failed to GET " + s + " with status " + std::to_string(response.status));
      src.identity += "url " + s + "\n";
      s = name;
    }
  }
}

std::unique_ptr<Source> open_source(StageRun& stage, const Instruction& in, const CopyFlags& f,
                                    std::vector<std::string>& sources) {
  auto src = std::make_unique<Source>();
  const bool generated = std::any_of(sources.begin(), sources.end(), [](const std::string& s) { return s.rfind("<<", 0) == 0 || is_url(s); });
  if (generated) {
    if (!std::all_of(sources.begin(), sources.end(), [](const std::string& s) { return s.rfind("<<", 0) == 0 || is_url(s); }))
      throw Error(stage.where(in) + "heredoc or URL sources cannot be mixed with files of the build context");
    fetch_into_scratch(stage, in, sources, *src);
    open_dir(*src, src->scratch.dir);
    return src;
  }
  if (f.from.empty()) {
    open_dir(*src, stage.build.request.context_dir);
    return src;
  }
  BuildRun& run = stage.build;
  std::vector<std::string> lowers;
  if (auto it = run.finished.find(base::to_lower(f.from)); it != run.finished.end()) {
    lowers = it->second.lower_dirs(run.store);
    src->identity = "stage " + it->second.key;
  } else {
    const image::ImageEntry entry = run.host.base_image(f.from, false);
    ImageState image;
    image.layers = entry.record.layers;
    lowers = image.lower_dirs(run.store);
    src->identity = "image " + entry.record.id;
  }
  src->view = std::make_unique<ScratchRoot>(run.store, lowers);
  src->fd = UniqueFd(::dup(src->view->fd()));
  return src;
}

}  // namespace

bool apply_copy(StageRun& stage, const Instruction& in) {
  const CopyFlags flags = copy_flags(stage, in);
  std::vector<std::string> words = copy_words(stage, in);
  const std::string dest = destination(stage, words.back());
  words.pop_back();
  std::unique_ptr<Source> src = open_source(stage, in, flags, words);
  const IgnoreRules ignore = ignore_rules(flags.from.empty() && src->scratch.dir.empty() ? src->dir : "", flags.excludes);
  const std::vector<std::string> matched = match_sources(src->fd.get(), words, ignore, in.keyword);
  std::string key_text = in.keyword + "\n" + dest + "\n" + flags.chown + "\n" + flags.chmod + "\n" + src->identity + "\n" +
                         content_digest(src->fd.get(), matched, ignore);
  std::string created_by = in.keyword + " ";
  for (const std::string& m : matched) created_by += m + " ";
  created_by += dest;
  return cached_or_made(stage, key_text, created_by, [&] {
    ScratchRoot root(stage.build.store, stage.state.lower_dirs(stage.build.store));
    const CopyOptions options = copy_options(stage, in, flags, root.fd());
    try {
      copy_sources(src->fd.get(), matched, ignore, root.fd(), dest, options);
    } catch (const Error& e) {
      throw Error(stage.where(in) + e.what());
    }
    return root.commit();
  });
}

bool apply_workdir(StageRun& stage, const Instruction& in) {
  std::string dir = expand_word(in.args.empty() ? "" : in.args[0], stage.lookup(), stage.build.escape);
  if (dir.empty()) throw Error(stage.where(in) + "WORKDIR requires exactly one argument");
  if (dir[0] != '/') {
    const std::string& current = stage.state.config.config.working_dir;
    dir = (current.empty() ? "/" : current + (current.back() == '/' ? "" : "/")) + dir;
  }
  dir = std::filesystem::path(dir).lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  stage.state.config.config.working_dir = dir;
  return cached_or_made(stage, "WORKDIR\n" + dir, "WORKDIR " + dir, [&] {
    ScratchRoot root(stage.build.store, stage.state.lower_dirs(stage.build.store));
    runtime::make_dir_in_root(root.fd(), dir);
    return root.commit();
  });
}

}  // namespace stack::engine::build
