/*
 * A line-oriented ledger, the target of patch cases about how gcc -O2
 * compiles a program: apply_fee is a static whose address is never taken,
 * so gcc passes its argument in a register; accounts is a global array a
 * patch may grow; round_fee is inlined into its only caller.
 */
#include <stdio.h>
#include <string.h>

int accounts[4] = { 0, 0, 0, 0 };
int guard = 12345;
static long fee_total;

static long round_fee(long fee)
{
    return fee - fee % 1;
}

__attribute__((noinline)) static long apply_fee(long amount)
{
    long fee = round_fee(amount / 100);
    fee_total += fee;
    return amount - fee;
}

__attribute__((noinline)) int account_set(int i, int v)
{
    if (i < 0 || i >= 4) return -1;
    accounts[i] = v;
    return 0;
}

__attribute__((noinline)) int account_get(int i)
{
    return i >= 0 && i < 4 ? accounts[i] : -1;
}

int main(void)
{
    char line[128];
    int i, v;
    long n;
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ledger ready\n");
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "set %d %d", &i, &v) == 2) printf("set %d\n", account_set(i, v));
        else if (sscanf(line, "get %d", &i) == 1) printf("get %d\n", account_get(i));
        else if (sscanf(line, "fee %ld", &n) == 1) {
            long net = apply_fee(n);
            printf("net %ld fees %ld\n", net, fee_total);
        } else if (strncmp(line, "guard", 5) == 0) printf("guard %d\n", guard);
        else printf("?\n");
    }
    return 0;
}
