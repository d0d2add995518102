// Readers check an invariant that writers keep (two fields that must sum to
// zero) under a read-write lock; writers prefer themselves with the
// writer-preferring attribute. No reader ever sees a half-made update.
#include <pthread.h>
#include <stdio.h>

#define READERS 4
#define WRITERS 2
#define ROUNDS 20000

static pthread_rwlock_t rw;
static long a, b, writes;
static int torn;

static void *reader(void *arg) {
  long seen = 0;
  (void)arg;
  for (int i = 0; i < ROUNDS; i++) {
    pthread_rwlock_rdlock(&rw);
    if (a + b != 0) torn++;
    seen++;
    pthread_rwlock_unlock(&rw);
  }
  return (void *)seen;
}

static void *writer(void *arg) {
  long d = (long)arg + 1;
  for (int i = 0; i < ROUNDS / 4; i++) {
    pthread_rwlock_wrlock(&rw);
    a += d;
    for (volatile int k = 0; k < 10; k++) {}
    b -= d;
    writes++;
    pthread_rwlock_unlock(&rw);
  }
  return NULL;
}

int main(void) {
  pthread_rwlockattr_t attr;
  pthread_rwlockattr_init(&attr);
  pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  pthread_rwlock_init(&rw, &attr);
  pthread_t r[READERS], w[WRITERS];
  for (long i = 0; i < READERS; i++) pthread_create(&r[i], NULL, reader, NULL);
  for (long i = 0; i < WRITERS; i++) pthread_create(&w[i], NULL, writer, (void *)i);
  long reads = 0;
  for (int i = 0; i < READERS; i++) {
    void *n;
    pthread_join(r[i], &n);
    reads += (long)n;
  }
  for (int i = 0; i < WRITERS; i++) pthread_join(w[i], NULL);
  printf("reads %ld writes %ld torn %d a %ld b %ld\n", reads, writes, torn, a, b);
  printf("trywrlock while read-held: %s\n", (pthread_rwlock_rdlock(&rw), pthread_rwlock_trywrlock(&rw) == 16) ? "EBUSY" : "?");
  pthread_rwlock_unlock(&rw);
  return 0;
}
