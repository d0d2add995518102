/* The signal syscalls glibc does not use, called directly: signal(48),
 * the old sigaction(67) with its 32-bit mask, sgetmask/ssetmask,
 * sigprocmask(126), sigpending(73), and rt_sigaction without SA_RESTORER
 * (the kernel provides the return code), for both kinds of frame. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct old_sigaction { uintptr_t handler; uint32_t mask; uint32_t flags; uintptr_t restorer; };
struct k_sigaction { uintptr_t handler; uint32_t flags; uintptr_t restorer; uint64_t mask; };

static volatile int hits[65];
static volatile int info_code;

static void plain(int sig) { hits[sig]++; }
static void with_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits[sig]++;
    info_code = si->si_code;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);

    long old = syscall(SYS_signal, SIGUSR1, (uintptr_t)plain);
    printf("signal(48): old handler SIG_DFL %d\n", old == 0);
    raise(SIGUSR1);
    struct k_sigaction now;
    syscall(SYS_rt_sigaction, SIGUSR1, NULL, &now, 8);
    printf("signal(48) handler ran %d, is one-shot (back to SIG_DFL) %d, flags 0x%x\n", hits[SIGUSR1], now.handler == 0,
           now.flags);

    /* old sigaction with a 32-bit mask, no restorer */
    struct old_sigaction oa = { (uintptr_t)plain, 1u << (SIGUSR2 - 1), 0, 0 }, prev;
    printf("sigaction(67): %ld\n", syscall(SYS_sigaction, SIGHUP, &oa, NULL));
    syscall(SYS_sigaction, SIGHUP, NULL, &prev);
    printf("read back: handler %d mask has USR2 %d\n", prev.handler == (uintptr_t)plain, (prev.mask >> (SIGUSR2 - 1)) & 1);
    raise(SIGHUP);
    printf("SIGHUP through a kernel-made return: %d\n", hits[SIGHUP]);

    /* rt_sigaction with SA_SIGINFO but without SA_RESTORER */
    struct k_sigaction ka = { (uintptr_t)with_info, SA_SIGINFO, 0, 0 };
    printf("rt_sigaction without restorer: %ld\n", syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 8));
    kill(getpid(), SIGUSR2);
    printf("SIGUSR2 with siginfo: %d, si_code %d\n", hits[SIGUSR2], info_code);
    printf("bad sigsetsize: %ld\n", syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 4));

    /* the old mask calls */
    long m = syscall(SYS_sgetmask);
    printf("sgetmask: 0x%lx\n", m);
    long was = syscall(SYS_ssetmask, 1L << (SIGHUP - 1));
    printf("ssetmask returned the old mask 0x%lx, now 0x%lx\n", was, syscall(SYS_sgetmask));
    raise(SIGHUP);
    uint32_t pend = 0;
    syscall(SYS_sigpending, &pend);
    printf("sigpending(73): HUP pending %d, handled so far %d\n", (pend >> (SIGHUP - 1)) & 1, hits[SIGHUP]);
    uint32_t none = 0, before = 0;
    syscall(SYS_sigprocmask, SIG_SETMASK, &none, &before);
    printf("sigprocmask(126): old mask 0x%x, HUP delivered on unblock %d\n", before, hits[SIGHUP]);

    /* tkill and tgkill, and their errors */
    pid_t tid = (pid_t)syscall(SYS_gettid);
    long r = syscall(SYS_tgkill, getpid(), tid, SIGHUP);
    printf("tgkill self: %ld, handled %d\n", r, hits[SIGHUP]);
    r = syscall(SYS_tkill, tid, SIGHUP);
    printf("tkill self: %ld, handled %d\n", r, hits[SIGHUP]);
    r = syscall(SYS_tgkill, -1, tid, SIGHUP);
    printf("tgkill with tgid -1: %ld %s\n", r, errno == EINVAL ? "EINVAL" : "?");
    r = syscall(SYS_tgkill, getpid(), 0, SIGHUP);
    printf("tgkill with tid 0: %ld %s\n", r, errno == EINVAL ? "EINVAL" : "?");
    r = syscall(SYS_tgkill, getpid(), tid, 0);
    printf("tgkill signal 0: %ld\n", r);
    r = syscall(SYS_tgkill, getpid(), tid, 65);
    printf("tgkill signal 65: %ld %s\n", r, errno == EINVAL ? "EINVAL" : "?");
    r = kill(getpid(), 65);
    printf("kill signal 65: %ld %s\n", r, errno == EINVAL ? "EINVAL" : "?");
    return 0;
}
