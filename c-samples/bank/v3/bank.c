#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bank.h"

const char *bank_version = "v3";
struct account *all_accounts;
static struct account **all_tail = &all_accounts;
static struct account *buckets[BANK_BUCKETS];
static int next_id = 1;
static long long naccounts;
/* every account opened, one line each (large: malloc maps it apart from the heap) */
static char *audit;
static size_t audit_len, audit_last;
#define AUDIT_CAP (256 * 1024)

long long bank_count(void)
{
    return naccounts;
}

struct account *bank_find(int id)
{
    struct account *a = buckets[(unsigned)id % BANK_BUCKETS];

    while (a && a->id != id)
        a = a->hnext;
    return a;
}

struct account *bank_open(const char *owner, long long amount)
{
    struct account *a = calloc(1, sizeof *a);
    unsigned b;

    if (a == NULL)
        return NULL;
    a->id = next_id++;
    snprintf(a->owner, sizeof a->owner, "%s", owner);
    a->balance = amount;
    b = (unsigned)a->id % BANK_BUCKETS;
    a->hnext = buckets[b];
    buckets[b] = a;
    *all_tail = a;
    all_tail = &a->lnext;
    naccounts++;
    if (audit == NULL)
        audit = malloc(AUDIT_CAP);
    if (audit && audit_len + 64 < AUDIT_CAP) {
        audit_last = audit_len;
        audit_len += (size_t)snprintf(audit + audit_len, 64, "open %d %s %lld\n", a->id, a->owner, amount);
    }
    return a;
}

static unsigned spin(unsigned n)
{
    unsigned x = 1;
    for (unsigned i = 0; i < n; i++)
        x = x * 1103515245u + 12345u;
    return x;
}

/* One request line in, one reply line out. */
int bank_command(struct conn *c, char *line, char *out, size_t outsz)
{
    char cmd[16], name[32];
    long long amt = 0;
    int id = 0, to = 0;
    struct account *a, *b;

    if (sscanf(line, "%15s", cmd) != 1) {
        snprintf(out, outsz, "ERR empty\n");
        return -1;
    }
    if (strcmp(cmd, "OPEN") == 0 && sscanf(line, "%*s %31s %lld", name, &amt) == 2) {
        if (amt < 0 || amt > config.max_balance) {
            snprintf(out, outsz, "ERR amount\n");
            return -1;
        }
        a = bank_open(name, amt);
        snprintf(out, outsz, a ? "OK %d\n" : "ERR memory\n", a ? a->id : 0);
    } else if (strcmp(cmd, "BAL") == 0 && sscanf(line, "%*s %d", &id) == 1) {
        a = bank_find(id);
        if (a)
            snprintf(out, outsz, "OK %lld %s\n", a->balance, a->owner);
        else
            snprintf(out, outsz, "ERR no account\n");
    } else if (strcmp(cmd, "DEP") == 0 && sscanf(line, "%*s %d %lld", &id, &amt) == 2) {
        a = bank_find(id);
        if (!a || amt <= 0) {
            snprintf(out, outsz, "ERR deposit\n");
            return -1;
        }
        a->balance += amt;
        a->txcount++;
        snprintf(out, outsz, "OK %lld\n", a->balance);
    } else if (strcmp(cmd, "WD") == 0 && sscanf(line, "%*s %d %lld", &id, &amt) == 2) {
        a = bank_find(id);
        if (!a || amt <= 0 || amt > a->balance || amt > config.max_withdrawal) {
            snprintf(out, outsz, "ERR withdraw\n");
            return -1;
        }
        a->balance -= amt;
        a->txcount++;
        snprintf(out, outsz, "OK %lld\n", a->balance);
    } else if (strcmp(cmd, "XFER") == 0 && sscanf(line, "%*s %d %d %lld", &id, &to, &amt) == 3) {
        a = bank_find(id);
        b = bank_find(to);
        if (!a || !b || amt <= 0 || amt > a->balance) {
            snprintf(out, outsz, "ERR transfer\n");
            return -1;
        }
        a->balance -= amt;
        b->balance += amt;
        a->txcount++;
        b->txcount++;
        snprintf(out, outsz, "OK %lld %lld\n", a->balance, b->balance);
    } else if (strcmp(cmd, "USE") == 0 && sscanf(line, "%*s %d", &id) == 1) {
        c->cur = bank_find(id);
        snprintf(out, outsz, c->cur ? "OK\n" : "ERR no account\n");
    } else if (strcmp(cmd, "ME") == 0) {
        if (c->cur)
            snprintf(out, outsz, "OK %d %lld\n", c->cur->id, c->cur->balance);
        else
            snprintf(out, outsz, "ERR no session\n");
    } else if (strcmp(cmd, "SPIN") == 0 && sscanf(line, "%*s %lld", &amt) == 1) {
        snprintf(out, outsz, "OK %u\n", spin((unsigned)amt));
    } else if (strcmp(cmd, "TX") == 0 && sscanf(line, "%*s %d", &id) == 1) {
        a = bank_find(id);
        if (a)
            snprintf(out, outsz, "OK %lu\n", a->txcount);
        else
            snprintf(out, outsz, "ERR no account\n");
    } else if (strcmp(cmd, "INFO") == 0) {
        snprintf(out, outsz, "OK %s max_withdrawal=%lld max_conns=%d\n", config.name, config.max_withdrawal, config.max_conns);
    } else if (strcmp(cmd, "TOTAL") == 0) {
        long long sum = 0;
        for (a = all_accounts; a; a = a->lnext)
            sum += a->balance;
        snprintf(out, outsz, "OK %lld %lld\n", naccounts, sum);
    } else if (strcmp(cmd, "AUDIT") == 0) {
        snprintf(out, outsz, "OK %zu %s", audit_len, audit_len ? audit + audit_last : "\n");
    } else if (strcmp(cmd, "VERSION") == 0) {
        snprintf(out, outsz, "OK %s\n", bank_version);
    } else if (strcmp(cmd, "STATS") == 0) {
        snprintf(out, outsz, "OK accounts=%lld requests=%lu conns=%d\n", naccounts, total_requests, conn_count());
    } else {
        snprintf(out, outsz, "ERR unknown\n");
        return -1;
    }
    return 0;
}
