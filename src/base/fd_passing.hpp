// Passing an open file descriptor over a unix socket (SCM_RIGHTS): how a container
// hands the master of the terminal it opened in its own /dev/pts to its supervisor.
#pragma once

#include "base/unique_fd.hpp"

namespace stack::base {

// Throws stack::Error on failure.
void send_fd(int socket, int fd);
// Blocks until a descriptor arrives; throws stack::Error when the peer closed first.
UniqueFd receive_fd(int socket);

}  // namespace stack::base
