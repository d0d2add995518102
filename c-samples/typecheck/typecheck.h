/* Types shared by the files of typecheck, the target of the type-check patch
 * cases (c-samples/patches/tc-*, rules in c-samples/mk/type-checks.mk). */
#ifndef TYPECHECK_H
#define TYPECHECK_H

struct conn {
  int fd;
  char name[12];
  struct conn *next;
};

struct stats {
  int count;
  int sum;
};

struct config {
  int port;
  int level;
};

extern struct conn *conns;
extern struct stats stats;
extern struct config config;
extern int limits[4];

void show_conns(void);
void stats_add(int v);
void stats_print(void);
void apply_config(void);
int scale(int x);
int compute(int x);
int compute_twice(int x);
int limit_of(int i);

#endif
