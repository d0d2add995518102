/* A crash inside a signal handler: the backtrace goes through the signal
   frame back to the code the signal interrupted (raise, in libc). */
#include <signal.h>
#include <stdio.h>

int *volatile target; /* NULL */
volatile int sink;

__attribute__((noipa)) void on_signal(int sig) {
  *target = sig;
}

__attribute__((noipa)) int trigger(int v) {
  raise(SIGUSR1);
  sink = v;
  return v;
}

int main(void) {
  signal(SIGUSR1, on_signal);
  printf("raising\n");
  fflush(stdout);
  return trigger(3);
}
