/* Passing between processes over a socketpair: a descriptor (SCM_RIGHTS)
   whose file offset is then shared by both, and credentials
   (SCM_CREDENTIALS) naming the sender. Under dsu the descriptor crosses
   the host kernel as a host fd and arrives as the very description sent. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "say.h"

static int send_fd(int sock, int fd)
{
    char byte = 'F';
    struct iovec iov = { &byte, 1 };
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &msg, 0);
}

static int recv_fd(int sock)
{
    char byte;
    struct iovec iov = { &byte, 1 };
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
    if (recvmsg(sock, &msg, 0) <= 0) return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

int main(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        char buf[64] = { 0 };
        read(sv[1], buf, sizeof buf - 1);
        char reply[128];
        int n = snprintf(reply, sizeof reply, "child got \"%s\"", buf);
        write(sv[1], reply, n);
        int fd = recv_fd(sv[1]);
        if (fd >= 0) write(fd, "written by the child\n", 21);
        /* credentials of the sender */
        int on = 1;
        setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
        char b;
        char cbuf[CMSG_SPACE(sizeof(struct ucred))];
        struct iovec iov = { &b, 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
        recvmsg(sv[1], &msg, 0);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        struct ucred cred = { 0, 0, 0 };
        if (c && c->cmsg_type == SCM_CREDENTIALS) memcpy(&cred, CMSG_DATA(c), sizeof cred);
        n = snprintf(reply, sizeof reply, "sender pid is my parent %d, uid matches %d", cred.pid == getppid(), cred.uid == getuid());
        write(sv[1], reply, n);
        _exit(0);
    }
    close(sv[1]);
    write(sv[0], "hello child", 11);
    char buf[128] = { 0 };
    read(sv[0], buf, sizeof buf - 1);
    say("parent read: %s", buf);
    int fd = open("passed.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "parent first\n", 13);
    if (send_fd(sv[0], fd) < 0) {
        say("sendmsg with SCM_RIGHTS: %s", strerror(errno));
        write(sv[0], "F", 1);
    }
    usleep(20000);
    write(sv[0], "c", 1);
    memset(buf, 0, sizeof buf);
    read(sv[0], buf, sizeof buf - 1);
    say("credentials: %s", buf);
    waitpid(pid, NULL, 0);
    write(fd, "parent last\n", 12);
    char text[128] = { 0 };
    pread(fd, text, sizeof text - 1, 0);
    say("the passed file:\n%s", text);
    unlink("passed.txt");

    return 0;
}
