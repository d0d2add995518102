/* Limits, clocks and process calls as strace shows them: rlimit resources
   and values (RLIM_INFINITY, multiples of 1024), prlimit64, clock ids and
   timespecs, nanosleep, getrandom flags, uname, sysinfo-free identity
   calls, wait4 statuses. The clock calls go through syscall() so that they
   are system calls natively too (glibc would use the vDSO). Compared with
   the real strace by test/diff/strace-parity.test.ts. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  prctl(PR_SET_NAME, "trace-begin");
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  struct rlimit lower = { 256, rl.rlim_max };
  setrlimit(RLIMIT_NOFILE, &lower);
  getrlimit(RLIMIT_STACK, &rl);
  getrlimit(RLIMIT_CORE, &rl);
  prlimit(0, RLIMIT_NOFILE, NULL, &rl);
  struct timespec ts = { 0, 0 };
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  syscall(SYS_clock_getres, CLOCK_REALTIME, &ts);
  syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &ts);
  struct timespec nap = { 0, 2000000 };
  nanosleep(&nap, NULL);
  clock_nanosleep(CLOCK_MONOTONIC, 0, &nap, NULL);
  char rnd[8];
  getrandom(rnd, sizeof rnd, 0);
  struct utsname u;
  uname(&u);
  int status;
  int none = waitpid(-1, &status, WNOHANG);
  syscall(SYS_getpid);
  printf("nofile=%ld none=%d\n", (long)lower.rlim_cur, none);
  return 0;
}
