#include "base/fd_passing.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "base/syscall_error.hpp"

namespace stack::base {

namespace {

// One byte of data carrying room for one descriptor: the message both sides use.
struct FdMessage {
  char byte = 'f';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  FdMessage() {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
  }
  FdMessage(const FdMessage&) = delete;
  FdMessage& operator=(const FdMessage&) = delete;
};

}  // namespace

void send_fd(int socket, int fd) {
  FdMessage m;
  cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  while (::sendmsg(socket, &m.msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR) throw syscall_error("send a file descriptor");
}

UniqueFd receive_fd(int socket) {
  FdMessage m;
  ssize_t n;
  while ((n = ::recvmsg(socket, &m.msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR) throw syscall_error("receive a file descriptor");
  cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  if (n == 0 || !c || c->cmsg_type != SCM_RIGHTS) throw Error("receive a file descriptor: none was sent");
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return UniqueFd(fd);
}

}  // namespace stack::base
