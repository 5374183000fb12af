// The floor under bench/dns.sh's paced latency: the least a UDP DNS server can do. It
// answers every query with the query itself, flagged as a response (NOERROR, no
// records): one blocking recvfrom and one sendto, nothing parsed, nothing looked up.
// Bound to ADDRESS on a port the kernel picks, which it prints on stdout; it runs until
// killed. What dnsperf measures against it is the machine's own round trip through the
// same veth, bridge and wake-ups that every embedded DNS server pays.
//
//   dns_floor ADDRESS
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

int main(int argc, char** argv) {
  struct sockaddr_in addr = {.sin_family = AF_INET};
  if (argc != 2 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    fprintf(stderr, "usage: dns_floor IPV4-ADDRESS\n");
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 ||
      getsockname(fd, (struct sockaddr*)&addr, &len) != 0) {
    perror("dns_floor");
    return 1;
  }
  printf("%d\n", ntohs(addr.sin_port));
  fflush(stdout);
  for (;;) {
    unsigned char buf[512];
    struct sockaddr_in peer;
    socklen_t peer_len = sizeof peer;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr*)&peer, &peer_len);
    if (n < 12) continue;  // shorter than a DNS header: not a query
    buf[2] |= 0x80;        // QR: a response
    buf[3] = 0x80;         // RA, RCODE 0 (NOERROR)
    sendto(fd, buf, (size_t)n, 0, (struct sockaddr*)&peer, peer_len);
  }
}
