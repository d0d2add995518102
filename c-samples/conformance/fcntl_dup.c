/* fd semantics: dup'ed fds share one offset and status flags but not
 * FD_CLOEXEC; dup2/dup3/F_DUPFD rules; F_GETFL/F_SETFL; record locks and
 * flock seen from a single process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SHOW(label, expr) do { long r_ = (long)(expr); \
    if (r_ < 0) printf("%s: -1 %s\n", label, strerror(errno)); else printf("%s: %ld\n", label, r_); } while (0)

int main(void)
{
    int fd = open("f.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    int d = dup(fd);
    SHOW("dup", d);
    SHOW("shared offset", lseek(d, 0, SEEK_CUR));
    lseek(fd, 3, SEEK_SET);
    char c;
    read(d, &c, 1);
    printf("read via dup after seek on original: %c\n", c);
    SHOW("original offset moved", lseek(fd, 0, SEEK_CUR));

    int other = open("f.txt", O_RDONLY);
    read(other, &c, 1);
    printf("separate open has its own offset: %c\n", c);

    SHOW("F_GETFD default", fcntl(fd, F_GETFD));
    SHOW("F_SETFD", fcntl(fd, F_SETFD, FD_CLOEXEC));
    SHOW("F_GETFD after", fcntl(fd, F_GETFD));
    SHOW("F_GETFD on dup (not shared)", fcntl(d, F_GETFD));
    SHOW("FIONCLEX", ioctl(fd, FIONCLEX));
    SHOW("F_GETFD after FIONCLEX", fcntl(fd, F_GETFD));
    SHOW("FIOCLEX", ioctl(d, FIOCLEX));
    SHOW("F_GETFD after FIOCLEX", fcntl(d, F_GETFD));

    SHOW("F_GETFL", fcntl(fd, F_GETFL));
    SHOW("F_SETFL append|nonblock", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY));
    SHOW("F_GETFL on dup (shared)", fcntl(d, F_GETFL));
    lseek(d, 0, SEEK_SET);
    write(d, "A", 1);
    SHOW("append via dup lands at end", lseek(d, 0, SEEK_CUR));
    SHOW("F_SETFL clear", fcntl(fd, F_SETFL, 0));
    lseek(fd, 0, SEEK_SET);
    write(fd, "B", 1);
    SHOW("plain write lands at 0", lseek(fd, 0, SEEK_CUR));

    SHOW("F_DUPFD >= 10", fcntl(fd, F_DUPFD, 10));
    SHOW("F_DUPFD >= 10 again", fcntl(fd, F_DUPFD, 10));
    SHOW("F_DUPFD_CLOEXEC", fcntl(fd, F_DUPFD_CLOEXEC, 20));
    SHOW("its FD_CLOEXEC", fcntl(20, F_GETFD));
    SHOW("F_DUPFD negative", fcntl(fd, F_DUPFD, -1));
    SHOW("dup2", dup2(fd, 30));
    SHOW("dup2 same fd", dup2(fd, fd));
    SHOW("dup2 bad old", dup2(99, 31));
    SHOW("dup2 huge new", dup2(fd, 100000));
    SHOW("dup3 cloexec", dup3(fd, 31, O_CLOEXEC));
    SHOW("its FD_CLOEXEC", fcntl(31, F_GETFD));
    SHOW("dup3 same fd", dup3(fd, fd, 0));
    SHOW("dup3 bad flags", dup3(fd, 32, 1));
    SHOW("close 30", close(30));
    SHOW("close 30 again", close(30));
    SHOW("fcntl bad fd", fcntl(99, F_GETFD));
    SHOW("fcntl bad cmd", fcntl(fd, 9999));
    SHOW("dup then close original", (close(d), lseek(fd, 0, SEEK_CUR)));

    /* one process never conflicts with its own locks */
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5 };
    SHOW("F_SETLK write lock", fcntl(fd, F_SETLK, &lk));
    struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    SHOW("F_GETLK", fcntl(other, F_GETLK, &q));
    printf("F_GETLK says unlocked: %d\n", q.l_type == F_UNLCK);
    lk.l_type = F_UNLCK;
    SHOW("unlock", fcntl(fd, F_SETLK, &lk));
    lk.l_type = F_WRLCK;
    SHOW("write lock on read-only fd", fcntl(other, F_SETLK, &lk));
    lk.l_type = 77;
    SHOW("bad lock type", fcntl(fd, F_SETLK, &lk));
    struct flock64 lk64 = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 1LL << 33, .l_len = 1 };
    SHOW("F_SETLK64 beyond 4 GiB", fcntl(fd, F_SETLK64, &lk64));
    struct flock ofd = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
    SHOW("OFD lock", fcntl(fd, F_OFD_SETLK, &ofd));
    struct flock ofd2 = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
    SHOW("OFD lock from another open file", fcntl(open("f.txt", O_RDWR), F_OFD_SETLK, &ofd2));

    SHOW("flock ex", flock(fd, LOCK_EX | LOCK_NB));
    SHOW("flock same description via dup", flock(dup(fd), LOCK_EX | LOCK_NB));
    SHOW("flock other description", flock(other, LOCK_SH | LOCK_NB));
    SHOW("flock unlock", flock(fd, LOCK_UN));
    SHOW("flock other now", flock(other, LOCK_SH | LOCK_NB));
    SHOW("flock bad op", flock(fd, 0));

    int fds[2];
    pipe(fds);
    SHOW("close_range cloexec", close_range(fds[0], fds[1], CLOSE_RANGE_CLOEXEC));
    SHOW("pipe fd cloexec", fcntl(fds[1], F_GETFD));
    SHOW("close_range", close_range(fds[0], fds[1], 0));
    SHOW("closed", fcntl(fds[0], F_GETFD));
    return 0;
}
