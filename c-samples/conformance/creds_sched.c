/* Credentials and scheduling attributes: the set*id family keeps the
 * kernel's rules (root may set anything; others only move between their
 * real, effective and saved IDs), getres*id, setfs*id, getgroups (also the
 * 16-bit call); sched_* policies and priorities, nice/getpriority/
 * setpriority clamping, personality, sync/syncfs. When run as root the
 * program also drops to nobody (65534) and checks what is then refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SHOW(label, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%s = %ld (%s)\n", label, r_, r_ < 0 ? strerror(errno) : "ok"); } while (0)

/* The Uid, Gid and Groups lines of /proc/self/status. */
static void status_ids(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Gid:", 4) || !strncmp(line, "Groups:", 7)) fputs(line, stdout);
    if (f) fclose(f);
}

static void ids(const char *when)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    printf("%s: uid %u/%u/%u gid %u/%u/%u fsuid %d\n", when, r, e, s, gr, ge, gs, setfsuid(-1));
    status_ids();
}

static void unprivileged(void)
{
    uid_t u = getuid();
    SHOW("setuid(0)", setuid(0));
    SHOW("setgid(0)", setgid(0));
    SHOW("seteuid(u + 1)", seteuid(u + 1));
    SHOW("setreuid(0, -1)", setreuid(0, -1));
    SHOW("setresuid(-1, -1, 0)", setresuid(-1, -1, 0));
    SHOW("setgroups(0, NULL)", setgroups(0, NULL));
    SHOW("setuid(u)", setuid(u));
    SHOW("setfsuid(0) keeps", setfsuid(0));
    SHOW("setfsuid(-1) after", setfsuid(-1));
    struct sched_param sp = { .sched_priority = 10 };
    SHOW("sched_setscheduler(FIFO)", sched_setscheduler(0, SCHED_FIFO, &sp));
    SHOW("nice(2)", nice(2));
    SHOW("nice(-1)", nice(-1));
    SHOW("setpriority(0)", setpriority(PRIO_PROCESS, 0, 0));
    SHOW("getpriority", getpriority(PRIO_PROCESS, 0));
    ids("unprivileged");
}

int main(void)
{
    uid_t u = getuid();
    gid_t g = getgid();
    SHOW("setuid(getuid())", setuid(u));
    SHOW("setgid(getgid())", setgid(g));
    SHOW("seteuid(geteuid())", seteuid(geteuid()));
    SHOW("setegid(getegid())", setegid(getegid()));
    SHOW("setreuid(-1, -1)", setreuid(-1, -1));
    SHOW("setregid(g, g)", setregid(g, g));
    SHOW("setresuid(-1, u, -1)", setresuid(-1, u, -1));
    SHOW("setresgid(g, -1, g)", setresgid(g, -1, g));
    ids("start");
    int n = getgroups(0, NULL);
    gid_t list[256];
    printf("getgroups: %d, 16-bit call agrees %d:", n, syscall(SYS_getgroups, 0, NULL) == n);
    for (int i = 0; i < getgroups(256, list); i++) printf(" %u", list[i]);
    printf("\n");
    if (n > 1) SHOW("getgroups(1) with more", getgroups(1, list));

    SHOW("sched_getscheduler", sched_getscheduler(0));
    struct sched_param sp;
    SHOW("sched_getparam", sched_getparam(0, &sp));
    printf("priority = %d\n", sp.sched_priority);
    SHOW("priority max FIFO", sched_get_priority_max(SCHED_FIFO));
    SHOW("priority min RR", sched_get_priority_min(SCHED_RR));
    SHOW("priority max OTHER", sched_get_priority_max(SCHED_OTHER));
    SHOW("priority max 42", sched_get_priority_max(42));
    struct timespec ts;
    SHOW("sched_rr_get_interval", sched_rr_get_interval(0, &ts));
    printf("interval = %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    sp.sched_priority = 0;
    SHOW("sched_setscheduler(OTHER)", sched_setscheduler(0, SCHED_OTHER, &sp));
    SHOW("sched_setscheduler(BATCH)", sched_setscheduler(0, SCHED_BATCH, &sp));
    SHOW("sched_getscheduler", sched_getscheduler(0));
    sp.sched_priority = 5;
    SHOW("sched_setscheduler(OTHER, 5)", sched_setscheduler(0, SCHED_OTHER, &sp));
    SHOW("sched_setscheduler(7)", sched_setscheduler(0, 7, &sp));
    SHOW("sched_getscheduler(999999)", sched_getscheduler(999999));
    SHOW("sched_getscheduler(-1)", sched_getscheduler(-1));
    sp.sched_priority = 0;
    SHOW("sched_setscheduler(OTHER|RESET_ON_FORK)", sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp));
    SHOW("sched_getscheduler", sched_getscheduler(0));
    SHOW("sched_setparam", sched_setparam(0, &sp));

    SHOW("nice(0)", nice(0));
    SHOW("nice(3)", nice(3));
    SHOW("getpriority", getpriority(PRIO_PROCESS, 0));
    SHOW("setpriority(40) clamps", setpriority(PRIO_PROCESS, 0, 40));
    SHOW("getpriority", getpriority(PRIO_PROCESS, 0));
    SHOW("getpriority(7)", getpriority(7, 0));
    SHOW("getpriority(999999)", getpriority(PRIO_PROCESS, 999999));
    SHOW("personality query", personality(0xffffffff));
    SHOW("personality(ADDR_NO_RANDOMIZE)", personality(ADDR_NO_RANDOMIZE));
    SHOW("personality query", personality(0xffffffff));
    SHOW("sync", (sync(), 0));
    SHOW("syncfs(1)", syncfs(1));
    SHOW("syncfs(99)", syncfs(99));

    if (geteuid() == 0) {
        SHOW("setpriority(-5) as root", setpriority(PRIO_PROCESS, 0, -5));
        SHOW("getpriority", getpriority(PRIO_PROCESS, 0));
        sp.sched_priority = 50;
        SHOW("sched_setscheduler(FIFO, 50) as root", sched_setscheduler(0, SCHED_FIFO, &sp));
        SHOW("sched_getscheduler", sched_getscheduler(0));
        SHOW("sched_rr_get_interval", sched_rr_get_interval(0, &ts));
        printf("interval = %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
        sp.sched_priority = 5;
        SHOW("sched_setscheduler(RR, 5)", sched_setscheduler(0, SCHED_RR, &sp));
        SHOW("sched_rr_get_interval", sched_rr_get_interval(0, &ts));
        printf("interval = %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
        sp.sched_priority = 0;
        SHOW("back to OTHER", sched_setscheduler(0, SCHED_OTHER, &sp));
        gid_t two[2] = { 65534, 0 };
        SHOW("setgroups(2) as root", setgroups(2, two));
        printf("getgroups = %d:", getgroups(256, list));
        for (int i = 0; i < getgroups(0, NULL); i++) printf(" %u", list[i]);
        printf("\n");
        SHOW("setresgid(65534, 65534, 0)", setresgid(65534, 65534, 0));
        SHOW("setreuid(65534, 65534)", setreuid(65534, 65534));
        ids("after setreuid");
        SHOW("setuid(0) with saved uid changed", setuid(0));
    }
    unprivileged();
    return 0;
}
