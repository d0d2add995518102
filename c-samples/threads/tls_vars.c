// Thread-local storage: initialised __thread variables start from their
// initial values in every thread, each thread's writes stay its own, and
// pthread keys run their destructors at thread exit.
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static __thread int counter = 42;
static __thread char name[16] = "unset";
static __thread long long big[4] = {1, 2, 3, 4};
static pthread_key_t key;
static int destructed;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void destroy(void *v) {
  pthread_mutex_lock(&m);
  destructed += (int)(long)v;
  pthread_mutex_unlock(&m);
}

struct result { int start; int end; char name[16]; long long big; void *self_addr; };

static void *run(void *arg) {
  struct result *r = arg;
  r->start = counter;
  int id = (int)(r - (struct result *)0);
  (void)id;
  snprintf(name, sizeof name, "t%d", r->end);
  for (int i = 0; i < 1000; i++) counter++;
  big[3] += r->end;
  pthread_setspecific(key, (void *)(long)(r->end + 100));
  r->self_addr = &counter;
  r->end = counter;
  strcpy(r->name, name);
  r->big = big[3];
  return NULL;
}

int main(void) {
  pthread_key_create(&key, destroy);
  struct result res[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    memset(&res[i], 0, sizeof res[i]);
    res[i].end = i;
    pthread_create(&t[i], NULL, run, &res[i]);
  }
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  int distinct = 1;
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++)
      if (res[i].self_addr == res[j].self_addr || res[i].self_addr == (void *)&counter) distinct = 0;
  for (int i = 0; i < 4; i++) printf("thread %d: start %d end %d name %s big %lld\n", i, res[i].start, res[i].end, res[i].name, res[i].big);
  printf("main: counter %d name %s big %lld distinct %d destructors %d\n", counter, name, big[3], distinct, destructed);
  return 0;
}
