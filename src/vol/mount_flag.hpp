// docker run's --mount (type=volume|bind|tmpfs,source=...,target=...[,readonly]...) written
// as the -v and --tmpfs specs the engine and resolve_named_volumes read.
#pragma once

#include <string>
#include <vector>

namespace stack::vol {

// Appends the --mount `spec` to `volumes` ("SRC:/target[:ro,propagation]") or to `tmpfs`
// ("/target[:size=N,mode=M]"). Throws stack::Error `invalid --mount "<spec>": <why>` for
// an unknown key or type, a missing target, and what is not supported yet (anonymous
// volumes, volume-opt, drivers other than local).
void add_mount_flag(const std::string& spec, std::vector<std::string>& volumes, std::vector<std::string>& tmpfs);

}  // namespace stack::vol
