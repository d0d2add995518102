/* Who sent me that? Signals sent from outside (test/diff/signals-sender):
 * SIGUSR1 reaches an SA_SIGINFO handler, SIGUSR2 a signalfd, and SIGTERM
 * a handler that ends the program; each prints whether si_pid names the
 * sending process (the test, our parent), si_uid its user, and si_code.
 * "ready" on stdout says the dispositions are in place. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, term;
static volatile pid_t usr1_pid, term_pid;
static volatile uid_t usr1_uid, term_uid;
static volatile int usr1_code, term_code;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    if (sig == SIGUSR1) {
        usr1_pid = si->si_pid; usr1_uid = si->si_uid; usr1_code = si->si_code; usr1 = 1;
    } else {
        term_pid = si->si_pid; term_uid = si->si_uid; term_code = si->si_code; term = 1;
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    int sfd = signalfd(-1, &usr2, 0);
    printf("ready\n");
    while (!usr1) pause();
    printf("SIGUSR1 handler: from parent %d, uid %d, code %d\n", usr1_pid == getppid(), usr1_uid == getuid(), usr1_code);
    struct signalfd_siginfo si;
    read(sfd, &si, sizeof si);
    printf("SIGUSR2 signalfd: from parent %d, uid %d, code %d\n", (pid_t)si.ssi_pid == getppid(), si.ssi_uid == getuid(), si.ssi_code);
    while (!term) pause();
    printf("SIGTERM handler: from parent %d, uid %d, code %d\n", term_pid == getppid(), term_uid == getuid(), term_code);
    return 0;
}
