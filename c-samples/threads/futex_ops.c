// The futex operations themselves, as libraries other than glibc use them:
// WAIT/WAKE counts, a wait that fails because the word changed, bitset
// wakes that pick waiters by mask, CMP_REQUEUE moving waiters to another
// word, WAKE_OP's atomic update and conditional second wake, and timeouts.
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int word_a, word_b;
static int woke[8];

static long futex(int *uaddr, int op, int val, const struct timespec *t, int *uaddr2, int val3) {
  return syscall(SYS_futex, uaddr, op, val, t, uaddr2, val3);
}

struct arg { int index; int *word; int bitset; };

static int arrived;

static void *wait_on(void *p) {
  struct arg *a = p;
  __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
  long r = a->bitset ? futex(a->word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, a->bitset)
                     : futex(a->word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  woke[a->index] = r == 0 ? 1 : -errno;
  return NULL;
}

/** Until every waiter is about to wait, then long enough for it to be in the kernel. */
static void until_waiting(int n) {
  while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < n) usleep(1000);
  usleep(50000);
  arrived = 0;
}

/** A call's result and the errno it left, evaluated in order. */
static const char *res(long r, int want) {
  static char buf[64];
  snprintf(buf, sizeof buf, "%ld %s", r, r < 0 && errno == want ? "(expected errno)" : r < 0 ? "(other errno)" : "");
  return buf;
}

/** Until at least `n` waiters have returned (or two seconds), and a little longer for any extra. */
static void settle(int n) {
  for (int tries = 0; tries < 2000; tries++) {
    int k = 0;
    for (int i = 0; i < 8; i++) k += woke[i] == 1;
    if (k >= n) break;
    usleep(1000);
  }
  usleep(20000);
}

static void start(pthread_t *t, struct arg *a, int n) {
  for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, wait_on, &a[i]);
  until_waiting(n);
}

int main(void) {
  pthread_t t[8];
  struct arg a[8];
  // value mismatch
  word_a = 1;
  printf("wait on a changed word: %s\n", res(futex(&word_a, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EAGAIN));
  word_a = 0;
  struct timespec ts = {0, 20 * 1000 * 1000};
  printf("wait with a timeout: %s\n", res(futex(&word_a, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0), ETIMEDOUT));

  // wake two of four, then the rest
  for (int i = 0; i < 4; i++) a[i] = (struct arg){i, &word_a, 0};
  start(t, a, 4);
  printf("wake 2: %ld\n", futex(&word_a, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0));
  settle(2);
  printf("wake all: %ld\n", futex(&word_a, FUTEX_WAKE_PRIVATE, 100, NULL, NULL, 0));
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  printf("woken: %d %d %d %d\n", woke[0], woke[1], woke[2], woke[3]);

  // bitsets: waiters 1, 2, 4, 8; wake mask 0x5 wakes the first and third
  for (int i = 0; i < 4; i++) { a[i] = (struct arg){i, &word_a, 1 << i}; woke[i] = 0; }
  start(t, a, 4);
  printf("wake bitset 0x5: %ld\n", futex(&word_a, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 0x5));
  settle(2);
  printf("after: %d %d %d %d\n", woke[0], woke[1], woke[2], woke[3]);
  printf("wake bitset 0: %s\n", res(futex(&word_a, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 0), EINVAL));
  printf("wake the rest: %ld\n", futex(&word_a, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, -1));
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);

  // CMP_REQUEUE: wake 1, move 2 to word_b, leave 1
  for (int i = 0; i < 4; i++) { a[i] = (struct arg){i, &word_a, 0}; woke[i] = 0; }
  start(t, a, 4);
  printf("cmp_requeue with a stale value: %s\n", res(futex(&word_a, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &word_b, 5), EAGAIN));
  printf("cmp_requeue: %ld\n", futex(&word_a, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &word_b, 0));
  settle(1);
  int n = 0;
  for (int i = 0; i < 4; i++) n += woke[i] == 1;
  printf("woken so far: %d\n", n);
  long on_b = futex(&word_b, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
  long on_a = futex(&word_a, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
  printf("wake word_b: %ld, wake word_a: %ld\n", on_b, on_a);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);

  // WAKE_OP: word_b += 3 (old 0 == 0 passes), wake 1 on a and 1 on b
  for (int i = 0; i < 2; i++) { a[i] = (struct arg){i, i ? &word_b : &word_a, 0}; woke[i] = 0; }
  word_b = 0;
  start(t, a, 2);
  long r = futex(&word_a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &word_b, FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 0));
  printf("wake_op: %ld, word_b now %d\n", r, word_b);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  r = futex(&word_a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &word_b, FUTEX_OP(FUTEX_OP_OR, 8, FUTEX_OP_CMP_GT, 100));
  printf("wake_op with nobody waiting: %ld, word_b now %d\n", r, word_b);
  return 0;
}
