// docker's volume copy-up: a new, empty volume mounted over a directory that has content
// in the image is first filled with that content, so that e.g. a database image's
// /var/lib/mysql skeleton, or an nginx image's /usr/share/nginx/html, is there in the
// volume the first time the container runs.
#pragma once

#include <string>
#include <vector>

namespace stack::engine {

// Copies what the image (its layer directories, topmost first) holds at `path` (a path
// in the container, its symlinks resolved inside the image) into the directory `dest`,
// keeping owners, modes, times, xattrs, links and devices (base/tree_copy.hpp); `dest`
// takes the owner and mode of the image directory. The image is seen through a detached
// read-only overlay of its layers that nothing else can see and that vanishes when the
// copy ends. Returns false, copying nothing, when the image has no directory at `path`
// or an empty one. Throws stack::Error starting with `what`.
bool copy_up_from_image(const std::vector<std::string>& lower_dirs, const std::string& path, const std::string& dest,
                        const std::string& what);

}  // namespace stack::engine
