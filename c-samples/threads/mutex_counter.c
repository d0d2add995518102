// Four threads increment shared counters: one under a mutex, one with
// atomic instructions, one with a spin lock. Every total must be exact.
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS 100000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_spinlock_t spin;
static long locked_total, atomic_total, spin_total;

static void *work(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&lock);
    locked_total++;
    pthread_mutex_unlock(&lock);
    __atomic_fetch_add(&atomic_total, 1, __ATOMIC_SEQ_CST);
    pthread_spin_lock(&spin);
    spin_total++;
    pthread_spin_unlock(&spin);
  }
  return (void *)(id * 10);
}

int main(void) {
  pthread_t t[THREADS];
  pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
  for (long i = 0; i < THREADS; i++) {
    if (pthread_create(&t[i], NULL, work, (void *)i) != 0) {
      puts("pthread_create failed");
      return 1;
    }
  }
  long sum = 0;
  for (int i = 0; i < THREADS; i++) {
    void *ret;
    pthread_join(t[i], &ret);
    sum += (long)ret;
  }
  printf("locked %ld atomic %ld spin %ld returns %ld\n", locked_total, atomic_total, spin_total, sum);
  return 0;
}
