/*
 * bank: a line-protocol account server (one process, epoll), the live
 * update sample of test/patch-bank.test.ts. v2 fixes XFER (it let an
 * account go negative) and adds TOTAL; v3 counts operations per account
 * (TX), adds a per-request withdrawal limit to the config (INFO) and QUIT.
 *   main.c  configuration, signals, the listening socket, the event loop
 *   conn.c  connections: accept, line buffering, replies, sessions
 *   bank.c  accounts (a hash table by id plus a list in opening order)
 */
#ifndef BANK_H
#define BANK_H

#include <stddef.h>

#define BANK_BUCKETS 64
#define BANK_MAX_CONNS 256
#define BANK_LINE_MAX 512

struct config {
    int port;
    int max_conns;
    long long max_balance;
};

struct account {
    struct account *hnext;   /* hash chain */
    struct account *lnext;   /* all accounts, in opening order */
    int id;
    char owner[24];
    long long balance;
};

struct conn {
    int fd;
    char in[BANK_LINE_MAX];
    size_t inlen;
    struct account *cur;     /* USE'd account, or NULL */
    unsigned long requests;
};

extern struct config config;
extern struct account *all_accounts;
extern unsigned long total_requests;
extern volatile int bank_stop;
extern const char *bank_version;

/* bank.c */
struct account *bank_find(int id);
struct account *bank_open(const char *owner, long long amount);
int bank_command(struct conn *c, char *line, char *out, size_t outsz);
long long bank_count(void);

/* conn.c */
struct conn *conn_get(int slot);
void conn_accept(int lfd, int epfd);
void conn_readable(struct conn *c, int epfd);
int conn_count(void);

#endif
