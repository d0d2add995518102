/* inotify (what tail -F and file watchers use): events of a watched
 * directory (create, modify, close, moves with a shared cookie, delete),
 * a watch on a file, IN_ONESHOT, IN_IGNORED after inotify_rm_watch,
 * FIONREAD, poll and epoll readiness, a non-blocking read with nothing
 * queued, a blocking read woken by an event a SIGALRM handler causes, a
 * buffer too small for an event, and the errors of bad arguments. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[8192] __attribute__((aligned(8)));

static void show(const char *what, long r)
{
    if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
    else printf("%s: %ld\n", what, r);
}

static void drain(int fd, const char *what)
{
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
        printf("%s: read -1 %s\n", what, strerror(errno));
        return;
    }
    printf("%s: %zd bytes\n", what, n);
    uint32_t cookie = 0;
    for (char *q = buf; q < buf + n;) {
        struct inotify_event *e = (struct inotify_event *)q;
        /* cookies are only compared: a move's two halves share one */
        const char *c = e->cookie == 0 ? "none" : e->cookie == cookie ? "same" : "new";
        if (e->cookie != 0) cookie = e->cookie;
        printf("  wd %d mask %#x cookie %s len %u name '%s'\n", e->wd, e->mask, c, e->len, e->len ? e->name : "");
        q += sizeof *e + e->len;
    }
}

static void touch(const char *path)
{
    int f = open(path, O_CREAT | O_WRONLY | O_APPEND, 0644);
    if (f >= 0) {
        write(f, "x", 1);
        close(f);
    }
}

static void on_alarm(int sig)
{
    (void)sig;
    int f = open("w/late.txt", O_CREAT | O_WRONLY, 0644);
    close(f);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    show("inotify_init1", fd >= 0 ? 0 : -1);
    printf("FD_CLOEXEC %d O_NONBLOCK %d\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    mkdir("w", 0755);
    int wd = inotify_add_watch(fd, "w", IN_ALL_EVENTS);
    show("watch w", wd);
    show("same watch again", inotify_add_watch(fd, "w/", IN_CREATE | IN_MASK_ADD));
    drain(fd, "nothing yet");

    touch("w/a.txt");
    rename("w/a.txt", "w/b.txt");
    unlink("w/b.txt");
    mkdir("w/sub", 0755);
    rmdir("w/sub");
    struct pollfd p = { fd, POLLIN, 0 };
    int pr = poll(&p, 1, 1000);
    printf("poll %d revents %#x\n", pr, p.revents);
    int avail = -1;
    ioctl(fd, FIONREAD, &avail);
    printf("FIONREAD %d\n", avail);
    drain(fd, "directory events");

    touch("f.txt");
    int fw = inotify_add_watch(fd, "f.txt", IN_MODIFY | IN_ATTRIB | IN_ONESHOT);
    show("watch f.txt (oneshot)", fw);
    touch("f.txt");
    chmod("f.txt", 0600);
    drain(fd, "oneshot");

    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 77 }, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    show("epoll before", epoll_wait(ep, &out, 1, 0));
    touch("w/c.txt");
    int en = epoll_wait(ep, &out, 1, 1000);
    printf("epoll after: %d data %u\n", en, en > 0 ? out.data.u32 : 0);
    drain(fd, "after epoll");

    char small[8];
    touch("w/d.txt");
    show("read into 8 bytes", read(fd, small, sizeof small));
    drain(fd, "then the whole event");

    /* a blocking read, woken by the file the handler creates */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
    sigaction(SIGALRM, &sa, NULL);
    inotify_rm_watch(fd, wd);
    drain(fd, "after rm_watch");
    wd = inotify_add_watch(fd, "w", IN_CREATE);
    alarm(1);
    drain(fd, "blocking read");

    errno = 0;
    show("rm unknown wd", inotify_rm_watch(fd, 999));
    show("watch missing path", inotify_add_watch(fd, "nope/x", IN_MODIFY));
    show("watch with empty mask", inotify_add_watch(fd, "w", 0));
    show("watch on a non-inotify fd", inotify_add_watch(ep, "w", IN_MODIFY));
    show("watch on a bad fd", inotify_add_watch(999, "w", IN_MODIFY));
    show("init1 bad flags", inotify_init1(0x1));
    show("IN_ONLYDIR on a file", inotify_add_watch(fd, "f.txt", IN_MODIFY | IN_ONLYDIR));
    show("write", write(fd, "x", 1));
    close(ep);
    close(fd);
    return 0;
}
