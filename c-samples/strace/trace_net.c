/* Sockets as strace shows them: families, types and flags, IPv4, IPv6 and
   Unix addresses, socket options by level, message flags, poll and epoll
   events, accept4 flags, shutdown, socketpair, sendmsg/recvmsg headers.
   Everything happens on loopback in one process. Compared with the real
   strace by test/diff/strace-parity.test.ts. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(void) {
  prctl(PR_SET_NAME, "trace-begin");
  int srv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  bind(srv, (struct sockaddr *)&sin, sizeof sin);
  listen(srv, 16);
  socklen_t len = sizeof sin;
  getsockname(srv, (struct sockaddr *)&sin, &len);
  int cli = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  setsockopt(cli, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  connect(cli, (struct sockaddr *)&sin, sizeof sin);
  struct sockaddr_in peer;
  len = sizeof peer;
  int conn = accept4(srv, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
  int err = -1;
  len = sizeof err;
  getsockopt(cli, SOL_SOCKET, SO_ERROR, &err, &len);
  send(cli, "ping", 4, MSG_NOSIGNAL);
  struct pollfd pfd[2] = { { conn, POLLIN | POLLPRI, 0 }, { srv, POLLIN, 0 } };
  poll(pfd, 2, 1000);
  char buf[64];
  recv(conn, buf, sizeof buf, 0);
  recv(conn, buf, sizeof buf, MSG_DONTWAIT);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = conn };
  epoll_ctl(ep, EPOLL_CTL_ADD, conn, &ev);
  sendto(cli, "pong", 4, 0, NULL, 0);
  struct epoll_event got[4];
  epoll_wait(ep, got, 4, 1000);
  recvfrom(conn, buf, sizeof buf, 0, NULL, NULL);
  epoll_ctl(ep, EPOLL_CTL_DEL, conn, NULL);
  poll(pfd, 1, 0);
  shutdown(cli, SHUT_WR);
  read(conn, buf, sizeof buf);
  close(ep);
  close(conn);
  close(cli);
  close(srv);

  int pair[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, pair);
  struct iovec iov = { "hello", 5 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
  sendmsg(pair[0], &msg, 0);
  char in[16];
  struct iovec iniov = { in, sizeof in };
  struct msghdr inmsg = { .msg_iov = &iniov, .msg_iovlen = 1 };
  recvmsg(pair[1], &inmsg, 0);
  close(pair[0]);
  close(pair[1]);

  int u = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  strcpy(sun.sun_path, "trace.sock");
  bind(u, (struct sockaddr *)&sun, sizeof sun);
  unlink("trace.sock");
  close(u);

  int six = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(9), .sin6_addr = IN6ADDR_LOOPBACK_INIT };
  connect(six, (struct sockaddr *)&s6, sizeof s6);
  int v6only = 0;
  len = sizeof v6only;
  getsockopt(six, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len);
  close(six);
  printf("err=%d v6only=%d\n", err, v6only);
  return 0;
}
