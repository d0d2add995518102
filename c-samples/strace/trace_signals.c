/* Signals as strace shows them: sigaction structs and flags, signal sets,
   sigprocmask hows, the "--- SIGUSR1 {...} ---" lines of delivered signals
   with their siginfo, a syscall interrupted by a handler, sigaltstack,
   kill and tgkill, and finally a fault that kills the program
   ("+++ killed by SIGSEGV +++"). Compared with the real strace by
   test/diff/strace-parity.test.ts. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t seen;
static void on_signal(int sig) { seen += sig; }
static void on_info(int sig, siginfo_t *info, void *ctx) { (void)info; (void)ctx; seen += sig; }

int main(void) {
  prctl(PR_SET_NAME, "trace-begin");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  struct sigaction old;
  sa.sa_sigaction = on_info;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGUSR2, &sa, &old);
  sa.sa_handler = on_signal;
  sa.sa_flags = 0;
  sigaction(SIGALRM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  kill(getpid(), SIGUSR1);
  syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2);
  sigset_t set, prev;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, &prev);
  raise(SIGUSR1);
  sigprocmask(SIG_SETMASK, &prev, NULL);
  sigset_t pending;
  sigpending(&pending);
  stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0 };
  sigaltstack(&ss, NULL);
  alarm(1);
  char c;
  int r = read(0, &c, 1);
  printf("seen=%d read=%d\n", seen, r);
  fflush(stdout);
  /* an address only known at run time, so the compiler cannot see the fault coming */
  volatile int *wild = (volatile int *)(uintptr_t)(16 + (seen & 0x10000));
  *wild = 1;
  return 0;
}
