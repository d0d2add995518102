// Signals and threads: pthread_kill reaches exactly the thread it names; a
// process-directed signal goes to the one thread that does not block it
// (sigwait there, a handler elsewhere); the main thread takes a
// process-directed signal when it can; each thread has its own mask.
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static __thread int my_index = -1;
static volatile int handled_by[8];
static volatile sig_atomic_t handled_count;
static pthread_barrier_t ready;

static void on_usr1(int sig) {
  (void)sig;
  handled_by[handled_count++] = my_index;
}

static void *sleeper(void *arg) {
  my_index = (int)(long)arg;
  pthread_barrier_wait(&ready);
  // stay interruptible until told to stop
  while (handled_count < 3) usleep(1000);
  return NULL;
}

static void *waiter(void *arg) {
  my_index = (int)(long)arg;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  pthread_barrier_wait(&ready);
  int sig = 0;
  sigwait(&set, &sig);
  return (void *)(long)sig;
}

int main(void) {
  my_index = 0;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);

  // SIGUSR2 blocked everywhere; only the waiter sigwaits for it
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &usr2, NULL);

  pthread_barrier_init(&ready, NULL, 4);
  pthread_t t1, t2, w;
  pthread_create(&t1, NULL, sleeper, (void *)1);
  pthread_create(&t2, NULL, sleeper, (void *)2);
  pthread_create(&w, NULL, waiter, (void *)3);
  pthread_barrier_wait(&ready);

  pthread_kill(t2, SIGUSR1);
  while (handled_count < 1) usleep(1000);
  pthread_kill(t1, SIGUSR1);
  while (handled_count < 2) usleep(1000);
  kill(getpid(), SIGUSR1);  // process-directed: main does not block it
  while (handled_count < 3) usleep(1000);
  printf("SIGUSR1 handled by threads %d, %d, %d\n", handled_by[0], handled_by[1], handled_by[2]);

  kill(getpid(), SIGUSR2);  // blocked everywhere: the sigwaiting thread takes it
  void *got;
  pthread_join(w, &got);
  printf("sigwait got signal %ld (%s)\n", (long)got, (long)got == SIGUSR2 ? "SIGUSR2" : "?");
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);

  sigset_t pending;
  pthread_sigmask(SIG_BLOCK, NULL, &pending);
  printf("main still blocks SIGUSR2: %d\n", sigismember(&pending, SIGUSR2));
  return 0;
}
