/* String to number conversions: strtol, strtoul, strtoll, strtoull, strtoimax
 * in bases 0, 2, 8, 10, 16 and 36, with signs, whitespace, prefixes, overflow
 * (ERANGE and the clamped value), end pointers and invalid input; strtod,
 * strtof and strtold on decimal, hexadecimal, infinity/nan and boundary
 * values; atoi/atol/atoll and sscanf conversions. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *ints[] = {"0", "42", "-42", "+17", "   \t\n 99xyz", "0x1f", "0X1F", "017", "0b101", "ff",
                             "zz", "-0", "2147483647", "2147483648", "-2147483648", "-2147483649",
                             "4294967295", "4294967296", "-1", "9223372036854775807", "9223372036854775808",
                             "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
                             "18446744073709551616", "", "   ", "-", "0x", "08", "1e5", "123456789012345678901234567890"};
#define NINTS (sizeof ints / sizeof ints[0])

static void integer_conversions(void)
{
    static const int bases[] = {0, 2, 8, 10, 16, 36};
    for (unsigned i = 0; i < NINTS; i++) {
        printf("\"%s\":\n", ints[i]);
        for (unsigned b = 0; b < sizeof bases / sizeof bases[0]; b++) {
            char *end;
            errno = 0;
            long l = strtol(ints[i], &end, bases[b]);
            int e1 = errno;
            long consumed_l = end - ints[i];
            errno = 0;
            unsigned long ul = strtoul(ints[i], &end, bases[b]);
            int e2 = errno;
            long consumed_ul = end - ints[i];
            errno = 0;
            long long ll = strtoll(ints[i], &end, bases[b]);
            int e3 = errno;
            long consumed_ll = end - ints[i];
            errno = 0;
            unsigned long long ull = strtoull(ints[i], &end, bases[b]);
            int e4 = errno;
            long consumed_ull = end - ints[i];
            printf("  base %2d: l %ld/%ld/%d ul %lu/%ld/%d ll %lld/%ld/%d ull %llu/%ld/%d\n", bases[b], l,
                   consumed_l, e1, ul, consumed_ul, e2, ll, consumed_ll, e3, ull, consumed_ull, e4);
        }
    }
    errno = 0;
    long bad = strtol("10", NULL, 1);
    printf("strtol base 1: %ld errno %s\n", bad, errno == EINVAL ? "EINVAL" : "other");
    errno = 0;
    intmax_t im = strtoimax("-123456789123", NULL, 10);
    uintmax_t um = strtoumax("777777777777777777777", NULL, 8);
    printf("strtoimax %" PRIdMAX " strtoumax %" PRIuMAX " errno %d\n", im, um, errno);
    printf("atoi %d %d %d atol %ld atoll %lld\n", atoi("  -12abc"), atoi("x"), atoi("2147483647"), atol("-99999"),
           atoll("-9000000000000000000"));
}

static const char *reals[] = {"0", "-0", "1", "3.14159", "  -2.5e-3xyz", "1e308", "1.8e308", "-1e400", "1e-320",
                              "1e-400", "2.2250738585072011e-308", "4.9406564584124654e-324", "0x1p-1074",
                              "0x1.fffffffffffffp+1023", "0x1.8p1", "0X.8P+2", "inf", "-Infinity", "nan",
                              "NAN(123)", "infinit", ".5", "5.", ".", "e5", "1e", "1e+", "0.1", "0.30000000000000004",
                              "123456789012345678901234567890", "9007199254740993", "1.00000000000000011102230246251565",
                              "  +.e1", "0x", "1,5"};
#define NREALS (sizeof reals / sizeof reals[0])

static void real_conversions(void)
{
    for (unsigned i = 0; i < NREALS; i++) {
        char *end;
        errno = 0;
        double d = strtod(reals[i], &end);
        int ed = errno;
        long nd = end - reals[i];
        errno = 0;
        float f = strtof(reals[i], &end);
        int ef = errno;
        long nf = end - reals[i];
        errno = 0;
        long double ld = strtold(reals[i], &end);
        int el = errno;
        long nl = end - reals[i];
        printf("\"%s\": d %.17g %a /%ld/%d  f %.9g %a /%ld/%d  ld %.21Lg /%ld/%d\n", reals[i], d, d, nd, ed,
               (double)f, (double)f, nf, ef, ld, nl, el);
    }
    printf("atof(\"6.02e23\") = %.17g\n", atof("6.02e23"));
}

static void scanning(void)
{
    int a, b, c, n;
    unsigned u;
    long long ll;
    double d;
    char word[16], rest[32];
    int got = sscanf("  12 0x1A 077 -5 3.75e2 token remainder", "%d %i %i %u %lf %15s %31[^\n]%n", &a, &b, &c, &u, &d, word, rest, &n);
    printf("sscanf got %d: %d %d %d %u %g \"%s\" \"%s\" consumed %d\n", got, a, b, c, u, d, word, rest, n);
    got = sscanf("key=value;123", "%15[^=]=%31[^;];%lld", word, rest, &ll);
    printf("sscanf got %d: \"%s\" \"%s\" %lld\n", got, word, rest, ll);
    got = sscanf("abc", "%d", &a);
    printf("sscanf on non-number got %d\n", got);
    got = sscanf("", "%d", &a);
    printf("sscanf on empty string got %d (EOF is %d)\n", got, EOF);
    got = sscanf("10:20:30", "%2d:%2d:%2d", &a, &b, &c);
    printf("sscanf time got %d: %d %d %d\n", got, a, b, c);
    char hex[8];
    got = sscanf("deadbeefcafe", "%4c%x", hex, &u);
    hex[4] = 0;
    printf("sscanf %%4c%%x got %d: \"%s\" %#x\n", got, hex, u);
}

int main(void)
{
    integer_conversions();
    real_conversions();
    scanning();
    return 0;
}
