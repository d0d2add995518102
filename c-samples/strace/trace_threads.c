/* Threads as strace -f shows them: clone3 with its flags, futex operations,
   "[pid N]" on every line while several threads live, calls left
   "<unfinished ...>" and "<... resumed>" when another thread's call comes
   between, and each thread's "+++ exited with 0 +++". Compared with the
   real strace by test/diff/strace-parity.test.ts thread by thread. */
#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int stage;

static void *worker(void *arg) {
  int fds[2];
  pipe(fds);
  write(fds[1], "t", 1);
  close(fds[0]);
  close(fds[1]);
  pthread_mutex_lock(&lock);
  stage++;
  pthread_cond_signal(&ready);
  pthread_mutex_unlock(&lock);
  return arg;
}

int main(void) {
  prctl(PR_SET_NAME, "trace-begin");
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, NULL);
  pthread_mutex_lock(&lock);
  while (stage < 2) pthread_cond_wait(&ready, &lock);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  printf("stage=%d\n", stage);
  return 0;
}
