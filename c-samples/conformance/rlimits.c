/* Resource limits: the same through getrlimit (prlimit64 in glibc),
 * ugetrlimit, the old getrlimit and prlimit; lowering a limit sticks and
 * reads back; the errors; sysinfo's figures look sane. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

struct rlimit32 { uint32_t cur, max; };

static const char *show(rlim_t v, char *buf)
{
    if (v == RLIM_INFINITY) return "unlimited";
    sprintf(buf, "%llu", (unsigned long long)v);
    return buf;
}

int main(void)
{
    static const struct { int res; const char *name; } all[] = {
        { RLIMIT_CPU, "CPU" }, { RLIMIT_FSIZE, "FSIZE" }, { RLIMIT_DATA, "DATA" }, { RLIMIT_STACK, "STACK" },
        { RLIMIT_CORE, "CORE" }, { RLIMIT_NOFILE, "NOFILE" }, { RLIMIT_AS, "AS" }, { RLIMIT_MEMLOCK, "MEMLOCK" },
    };
    char a[32], b[32];
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) {
        struct rlimit r;
        struct rlimit32 u, old;
        getrlimit(all[i].res, &r);
        syscall(SYS_ugetrlimit, all[i].res, &u);
        syscall(SYS_getrlimit, all[i].res, &old);
        int same32 = (u.cur == 0xffffffffu ? r.rlim_cur >= 0xffffffffu : u.cur == r.rlim_cur) &&
                     (u.max == 0xffffffffu ? r.rlim_max >= 0xffffffffu : u.max == r.rlim_max);
        int old_clamped = old.cur <= 0x7fffffff && old.max <= 0x7fffffff;
        if (all[i].res == RLIMIT_NOFILE)
            /* dsu keeps some of the host's descriptors for itself: only the shape is compared */
            printf("%-8s soft >= 256 %d, hard >= soft %d, ugetrlimit agrees %d, old getrlimit clamped %d\n", all[i].name,
                   r.rlim_cur >= 256, r.rlim_max >= r.rlim_cur, same32, old_clamped);
        else
            printf("%-8s soft %s hard %s, ugetrlimit agrees %d, old getrlimit clamped %d\n", all[i].name,
                   show(r.rlim_cur, a), show(r.rlim_max, b), same32, old_clamped);
    }

    /* lowering sticks and reads back through every call */
    struct rlimit r = { 64, 128 };
    printf("setrlimit NOFILE 64/128: %d\n", setrlimit(RLIMIT_NOFILE, &r));
    getrlimit(RLIMIT_NOFILE, &r);
    struct rlimit32 u;
    syscall(SYS_ugetrlimit, RLIMIT_NOFILE, &u);
    struct rlimit pr;
    prlimit(0, RLIMIT_NOFILE, NULL, &pr);
    printf("read back: %llu/%llu, ugetrlimit %u/%u, prlimit %llu/%llu\n", (unsigned long long)r.rlim_cur,
           (unsigned long long)r.rlim_max, u.cur, u.max, (unsigned long long)pr.rlim_cur, (unsigned long long)pr.rlim_max);
    printf("sysconf(_SC_OPEN_MAX) %ld\n", sysconf(_SC_OPEN_MAX));
    int e = dup2(1, 100);
    printf("dup2 to fd 100 beyond the limit: %d %s\n", e, errno == EBADF ? "EBADF" : "?");
    e = fcntl(1, F_DUPFD, 64);
    printf("F_DUPFD from 64: %d %s\n", e, errno == EINVAL ? "EINVAL" : "?");
    e = dup2(1, 63);
    printf("dup2 to fd 63: %d\n", e);
    close(63);

    struct rlimit bad = { 100, 50 };
    e = setrlimit(RLIMIT_NOFILE, &bad);
    printf("soft above hard: %d %s\n", e, errno == EINVAL ? "EINVAL" : "?");
    e = getrlimit(99, &r);
    printf("bad resource: %d %s\n", e, errno == EINVAL ? "EINVAL" : "?");
    struct rlimit huge = { 64, 1 << 21 };
    e = setrlimit(RLIMIT_NOFILE, &huge);
    printf("NOFILE above nr_open: %d %s\n", e, errno == EPERM ? "EPERM" : "?");

    /* prlimit sets and returns the old value in one call */
    struct rlimit core = { 0, 0 }, was;
    printf("prlimit CORE to 0: %d\n", prlimit(0, RLIMIT_CORE, &core, &was));
    getrlimit(RLIMIT_CORE, &core);
    printf("CORE now %llu/%llu, old hard kept in 'was' %d\n", (unsigned long long)core.rlim_cur,
           (unsigned long long)core.rlim_max, was.rlim_max != 0);
    struct rlimit32 s32 = { 1 << 30, 0xffffffffu };
    printf("setrlimit (32-bit) FSIZE 1 GiB/infinity: %ld\n", syscall(SYS_setrlimit, RLIMIT_FSIZE, &s32));
    getrlimit(RLIMIT_FSIZE, &r);
    printf("FSIZE now %s/%s\n", show(r.rlim_cur, a), show(r.rlim_max, b));
    e = prlimit(999999, RLIMIT_CORE, NULL, &was);
    printf("prlimit of no such process: %d %s\n", e, errno == ESRCH ? "ESRCH" : "?");

    struct sysinfo si;
    printf("sysinfo: %d\n", sysinfo(&si));
    unsigned long long total = (unsigned long long)si.totalram * si.mem_unit;
    printf("total RAM matches _SC_PHYS_PAGES within 1%% %d, free below total %d, uptime positive %d, procs %d\n",
           total / 100 * 99 <= (unsigned long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) &&
               (unsigned long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) <= total / 100 * 101,
           si.freeram <= si.totalram, si.uptime > 0, si.procs > 0);
    return 0;
}
