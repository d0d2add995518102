/* Descriptors after fork share their open file description with the
   parent's: one file offset, one set of status flags; close-on-exec is per
   descriptor; closing in one process leaves the other's open. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "say.h"

static void wait_child(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
}

int main(void)
{
    int fd = open("shared.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { say("open: %s", strerror(errno)); return 1; }
    write(fd, "parent-1 ", 9);
    pid_t pid = fork();
    if (pid == 0) {
        /* continues at the parent's offset, and moves it for the parent too */
        write(fd, "child ", 6);
        _exit(0);
    }
    wait_child(pid);
    say("offset after the child wrote: %ld", (long)lseek(fd, 0, SEEK_CUR));
    write(fd, "parent-2\n", 9);
    char buf[64] = { 0 };
    pread(fd, buf, sizeof buf - 1, 0);
    say("file: %s", buf);

    /* status flags are the description's: O_APPEND set by the child shows in the parent */
    pid = fork();
    if (pid == 0) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_APPEND | O_NONBLOCK);
        _exit(0);
    }
    wait_child(pid);
    int fl = fcntl(fd, F_GETFL);
    say("parent sees O_APPEND %d O_NONBLOCK %d", !!(fl & O_APPEND), !!(fl & O_NONBLOCK));

    /* FD_CLOEXEC is the descriptor's, not the description's */
    int dupfd = dup(fd);
    fcntl(dupfd, F_SETFD, FD_CLOEXEC);
    pid = fork();
    if (pid == 0) {
        int a = fcntl(fd, F_GETFD), b = fcntl(dupfd, F_GETFD);
        say("child: fd flags %d, dup flags %d", a, b);
        fcntl(dupfd, F_SETFD, 0);
        close(fd);
        _exit(0);
    }
    wait_child(pid);
    say("parent: fd still open %d, dup flags %d", fcntl(fd, F_GETFD) >= 0, fcntl(dupfd, F_GETFD));

    /* a pipe's ends: the reader sees EOF only when every copy of the write end is closed */
    int p[2];
    pipe(p);
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        write(p[1], "from child", 10);
        _exit(0); /* its write end goes with it */
    }
    close(p[1]);
    char msg[32] = { 0 };
    ssize_t total = 0, n;
    while ((n = read(p[0], msg + total, sizeof msg - 1 - total)) > 0) total += n;
    wait_child(pid);
    say("pipe: \"%s\" then EOF (%zd)", msg, n);

    /* lseek in a child moves the parent's offset */
    pid = fork();
    if (pid == 0) {
        lseek(fd, 3, SEEK_SET);
        _exit(0);
    }
    wait_child(pid);
    say("offset after the child's lseek: %ld", (long)lseek(fd, 0, SEEK_CUR));
    unlink("shared.txt");
    return 0;
}
