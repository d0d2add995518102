/* printf integer conversions: every length modifier (hh, h, l, ll, j, z, t),
 * every base (%d %i %u %o %x %X), the flags (- + space # 0), field widths and
 * precisions (literal and *), %c, %s with precision, %% and %n. */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static const long long values[] = {
    0, 1, -1, 7, -7, 42, 127, -128, 128, 255, 256, 32767, -32768, 65535,
    65536, 2147483647LL, -2147483647LL - 1, 4294967295LL, 4294967296LL,
    1000000007LL, 123456789012345LL, -98765432109876LL,
    9223372036854775807LL, -9223372036854775807LL - 1,
};
#define NVALUES (sizeof values / sizeof values[0])

static void widths(long long v)
{
    printf("hhd=%hhd hhu=%hhu hhx=%hhx ", (signed char)v, (unsigned char)v, (unsigned char)v);
    printf("hd=%hd hu=%hu ho=%ho ", (short)v, (unsigned short)v, (unsigned short)v);
    printf("d=%d u=%u x=%x X=%X o=%o ", (int)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v);
    printf("ld=%ld lu=%lu ", (long)v, (unsigned long)v);
    printf("lld=%lld llu=%llu llx=%llx llo=%llo ", v, (unsigned long long)v,
           (unsigned long long)v, (unsigned long long)v);
    printf("jd=%jd zu=%zu zd=%zd td=%td\n", (intmax_t)v, (size_t)v, (ssize_t)v, (ptrdiff_t)v);
}

static void flags(int v)
{
    printf("[%8d] [%-8d] [%08d] [%+d] [% d] [%+08d] [%-+8d] [% 08d]\n", v, v, v, v, v, v, v, v);
    printf("[%.5d] [%8.5d] [%-8.5d] [%.0d] [%#o] [%#x] [%#X] [%#10x] [%#010x] [%-#10o]\n",
           v, v, v, v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v);
}

static void star(void)
{
    for (int w = -12; w <= 12; w += 4)
        for (int p = -1; p <= 6; p += 3)
            printf("w=%d p=%d [%*.*d] [%*.*llx] [%*.*s]\n", w, p, w, p, -31337, w, p,
                   0xdeadbeefcafeULL, w, p, "string");
}

static void chars_and_strings(void)
{
    printf("[%c][%5c][%-5c][%c]\n", 'A', 'b', 'c', 0x7e);
    printf("[%s][%10s][%-10s][%.3s][%10.2s][%-10.0s][%.*s]\n", "abc", "right", "left",
           "truncate", "xyz", "gone", 4, "precision");
    printf("[%%][%5%][%-5%]\n");
    printf("[%s]\n", "");
}

static void counts(void)
{
    int n1 = -1, n2 = -1, n3 = -1;
    signed char hh = -1;
    short h = -1;
    long long ll = -1;
    int total = printf("abc%n%d%nxyz%lld%n\n", &n1, 12345, &n2, 9876543210LL, &n3);
    printf("n1=%d n2=%d n3=%d total=%d\n", n1, n2, n3, total);
    printf("%s%hhn%hn%lln|\n", "0123456789", &hh, &h, &ll);
    printf("hh=%d h=%d ll=%lld\n", hh, h, ll);
}

static void macros(void)
{
    int8_t a = INT8_MIN;
    uint16_t b = UINT16_MAX;
    int32_t c = INT32_MIN;
    uint64_t d = UINT64_MAX;
    int64_t e = INT64_MIN;
    printf("%" PRId8 " %" PRIu16 " %" PRIx16 " %" PRId32 " %" PRIu64 " %" PRIx64 " %" PRId64 " %" PRIo64 "\n",
           a, b, b, c, d, d, e, d);
    printf("%" PRIiMAX " %" PRIuPTR " %" PRIXFAST32 "\n", (intmax_t)-5, (uintptr_t)4096, (uint_fast32_t)0xabcdef);
}

int main(void)
{
    for (size_t i = 0; i < NVALUES; i++) {
        printf("v[%zu]: ", i);
        widths(values[i]);
    }
    for (size_t i = 0; i < NVALUES; i++)
        flags((int)values[i]);
    star();
    chars_and_strings();
    counts();
    macros();
    int n = printf("%d %s %c %x %o %lld\n", -1, "s", 'c', 255u, 8u, -1LL);
    printf("returned %d\n", n);
    return 0;
}
