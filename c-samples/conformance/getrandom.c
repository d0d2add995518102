/* getrandom() returns the requested length, fills the buffer with bytes that
 * are not all alike, accepts its flags and rejects unknown ones. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <stdlib.h>

static int varied(const unsigned char *b, size_t n)
{
    int seen[256] = { 0 }, kinds = 0;
    for (size_t i = 0; i < n; i++)
        if (!seen[b[i]]++) kinds++;
    return kinds;
}

int main(void)
{
    static unsigned char buf[1 << 20];
    static const size_t sizes[] = { 0, 1, 16, 256, 4096, 100000, 1 << 20 };
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        memset(buf, 0, sizeof buf);
        ssize_t n = getrandom(buf, sizes[i], 0);
        printf("getrandom(%zu) = %zd, many different byte values %d\n", sizes[i], n,
               sizes[i] < 4096 || varied(buf, sizes[i]) > 200);
    }
    unsigned char a[32], b[32];
    getrandom(a, sizeof a, GRND_NONBLOCK);
    getrandom(b, sizeof b, GRND_RANDOM);
    printf("two draws differ %d\n", memcmp(a, b, sizeof a) != 0);
    printf("GRND_NONBLOCK|GRND_RANDOM: %zd\n", getrandom(a, sizeof a, GRND_NONBLOCK | GRND_RANDOM));
    ssize_t r = getrandom(a, sizeof a, 0x100);
    printf("unknown flag: %zd %s\n", r, errno == EINVAL ? "EINVAL" : "?");
    static void *volatile nowhere = NULL;
    r = getrandom(nowhere, 16, 0);
    printf("bad buffer: %zd %s\n", r, errno == EFAULT ? "EFAULT" : "?");
    printf("getentropy: %d\n", getentropy(a, sizeof a));
    unsigned int seed;
    printf("arc4random-like draw fits %d\n", getrandom(&seed, sizeof seed, 0) == sizeof seed);
    return 0;
}
