/*
 * A memory-heavy kernel with no system calls in its hot loops: integer
 * matrix multiply plus a sieve over several MB, repeated. Used to prove
 * that preempting the emulated CPU thousands of times changes nothing.
 * Usage: memheavy [rounds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 160
#define SIEVE (6u << 20)

static unsigned a[N * N], b[N * N], c[N * N];
static unsigned char sieve[SIEVE];

static unsigned matmul_round(unsigned seed)
{
    for (unsigned i = 0; i < N * N; i++) {
        a[i] = i * 2654435761u + seed;
        b[i] = (i ^ 0x5bd1e995u) + seed * 7;
    }
    for (unsigned i = 0; i < N; i++)
        for (unsigned j = 0; j < N; j++) {
            unsigned s = 0;
            for (unsigned k = 0; k < N; k++)
                s += a[i * N + k] * b[k * N + j];
            c[i * N + j] = s;
        }
    unsigned h = 0;
    for (unsigned i = 0; i < N * N; i++)
        h = h * 31 + c[i];
    return h;
}

static unsigned sieve_round(void)
{
    memset(sieve, 1, sizeof sieve);
    sieve[0] = sieve[1] = 0;
    for (unsigned i = 2; i * i < SIEVE; i++)
        if (sieve[i])
            for (unsigned j = i * i; j < SIEVE; j += i)
                sieve[j] = 0;
    unsigned count = 0, h = 0;
    for (unsigned i = 0; i < SIEVE; i++)
        if (sieve[i]) {
            count++;
            h = h * 131 + i;
        }
    return h ^ count;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 6;
    unsigned total = 0;
    for (int r = 0; r < rounds; r++) {
        unsigned m = matmul_round((unsigned)r);
        unsigned s = sieve_round();
        printf("round %d: matmul %08x sieve %08x\n", r, m, s);
        total ^= m + s;
    }
    printf("total %08x\n", total);
    return 0;
}
