/* Pseudo-random numbers that must be identical on every run: glibc's rand
 * and rand_r, random/srandom with initstate/setstate of different sizes,
 * the drand48 family, and hand-written generators (xorshift32, a 64-bit LCG,
 * splitmix64, PCG32) with chi-square style histograms as a sanity check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t pcg32(uint64_t *state)
{
    uint64_t old = *state;
    *state = old * 6364136223846793005ULL + 1442695040888963407ULL;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

static void histogram(const char *name, unsigned *bins, int n, int samples)
{
    double expected = (double)samples / n, chi = 0;
    for (int i = 0; i < n; i++)
        chi += (bins[i] - expected) * (bins[i] - expected) / expected;
    printf("%s histogram:", name);
    for (int i = 0; i < n; i++)
        printf(" %u", bins[i]);
    printf(" chi2 %.3f\n", chi);
}

int main(void)
{
    srand(1);
    printf("rand after srand(1):");
    for (int i = 0; i < 8; i++)
        printf(" %d", rand());
    printf("\n");
    srand(20240601);
    unsigned bins[10] = {0};
    for (int i = 0; i < 100000; i++)
        bins[rand() % 10]++;
    histogram("rand", bins, 10, 100000);
    unsigned seed = 99;
    printf("rand_r:");
    for (int i = 0; i < 8; i++)
        printf(" %d", rand_r(&seed));
    printf(" (seed now %u)\n", seed);

    srandom(42);
    printf("random after srandom(42):");
    for (int i = 0; i < 6; i++)
        printf(" %ld", random());
    printf("\n");
    static char small_state[8], big_state[256];
    char *previous = initstate(7, small_state, sizeof small_state);
    printf("random with an 8-byte state:");
    for (int i = 0; i < 5; i++)
        printf(" %ld", random());
    printf("\n");
    initstate(7, big_state, sizeof big_state);
    printf("random with a 256-byte state:");
    for (int i = 0; i < 5; i++)
        printf(" %ld", random());
    printf("\n");
    setstate(previous);
    printf("back to the default state: %ld\n", random());

    srand48(12345);
    printf("drand48 %.17g %.17g lrand48 %ld mrand48 %ld\n", drand48(), drand48(), lrand48(), mrand48());
    unsigned short xsubi[3] = {1, 2, 3};
    printf("erand48 %.17g nrand48 %ld jrand48 %ld\n", erand48(xsubi), nrand48(xsubi), jrand48(xsubi));
    unsigned short param[7] = {0x1234, 0x5678, 0x9abc, 0xe66d, 0xdeec, 0x5, 0xb};
    lcong48(param);
    printf("after lcong48: lrand48 %ld %ld\n", lrand48(), lrand48());
    unsigned short seed16[3] = {7, 8, 9};
    unsigned short *old = seed48(seed16);
    printf("seed48 returned old state %u %u %u, then lrand48 %ld\n", old[0], old[1], old[2], lrand48());

    uint32_t xs = 2463534242u;
    unsigned xbins[16] = {0};
    for (int i = 0; i < 160000; i++)
        xbins[xorshift32(&xs) >> 28]++;
    histogram("xorshift32", xbins, 16, 160000);
    uint64_t sm = 0;
    printf("splitmix64:");
    for (int i = 0; i < 4; i++)
        printf(" %016llx", (unsigned long long)splitmix64(&sm));
    printf("\n");
    uint64_t pcg = 0x853c49e6748fea9bULL;
    unsigned pbins[8] = {0};
    uint32_t last = 0;
    for (int i = 0; i < 80000; i++)
        pbins[(last = pcg32(&pcg)) % 8]++;
    histogram("pcg32", pbins, 8, 80000);
    printf("pcg32 last %08x\n", last);
    uint64_t lcg = 1;
    for (int i = 0; i < 1000000; i++)
        lcg = lcg * 2862933555777941757ULL + 3037000493ULL;
    printf("lcg64 after 1e6 steps %016llx\n", (unsigned long long)lcg);
    double sum = 0;
    for (int i = 0; i < 100000; i++)
        sum += (double)(splitmix64(&sm) >> 11) * 0x1.0p-53;
    printf("mean of 1e5 uniform doubles %.12f\n", sum / 100000);
    return 0;
}
