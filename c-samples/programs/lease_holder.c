/* Takes a read lease on FILE (argument) with F_SETSIG, prints "ready",
 * and waits for another process to open FILE for writing: the lease break
 * arrives as the F_SETSIG signal with POLL_MSG and the fd, F_GETLEASE shows
 * the type the lease is being broken to, and releasing it lets the other
 * open proceed (test/diff/leases-host). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *err(long r) { return r < 0 ? strerrorname_np(errno) : "ok"; }

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    setvbuf(stdout, NULL, _IONBF, 0);
    int sig = SIGRTMIN + 1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int fd = open(argv[1], O_RDONLY);
    printf("F_SETSIG: %s\n", err(fcntl(fd, F_SETSIG, sig)));
    const char *e = err(fcntl(fd, F_SETLEASE, F_RDLCK));
    printf("F_SETLEASE F_RDLCK: %s, F_GETLEASE is F_RDLCK %d\n", e, fcntl(fd, F_GETLEASE) == F_RDLCK);
    printf("F_GETOWN is self %d\n", fcntl(fd, F_GETOWN) == getpid());
    int other = open(argv[1], O_RDONLY);
    printf("a write lease while the file is open elsewhere: %s\n", err(fcntl(other, F_SETLEASE, F_WRLCK)));
    close(other);
    printf("ready\n");
    siginfo_t si;
    struct timespec ts = { 20, 0 };
    int got = sigtimedwait(&set, &si, &ts);
    printf("break: signal is ours %d, code POLL_MSG %d, fd matches %d\n", got == sig, si.si_code == POLL_MSG, si.si_fd == fd);
    printf("F_GETLEASE during the break is F_UNLCK %d\n", fcntl(fd, F_GETLEASE) == F_UNLCK);
    printf("F_SETLEASE F_UNLCK: %s\n", err(fcntl(fd, F_SETLEASE, F_UNLCK)));
    printf("released\n");
    return 0;
}
