/* snprintf/vsnprintf truncation: the return value is the untruncated length,
 * the buffer is always terminated, nothing is written past the given size.
 * Also asprintf, open_memstream and fmemopen, which format into memory. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANARY 0x5a

static int check_size(const char *expect, size_t size, const char *fmt, ...)
{
    char buf[160];
    memset(buf, CANARY, sizeof buf);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(size == 0 ? NULL : buf + 8, size, fmt, ap);
    va_end(ap);
    size_t len = strlen(expect);
    int bad = n != (int)len;
    for (int i = 0; i < 8; i++)
        bad |= buf[i] != CANARY;
    if (size > 0) {
        size_t kept = len < size - 1 ? len : size - 1;
        bad |= memcmp(buf + 8, expect, kept) != 0;
        bad |= buf[8 + kept] != '\0';
        for (size_t i = 8 + size; i < sizeof buf; i++)
            bad |= buf[i] != CANARY;
    } else {
        for (size_t i = 0; i < sizeof buf; i++)
            bad |= buf[i] != CANARY;
    }
    if (bad)
        printf("MISMATCH size=%zu n=%d got \"%s\"\n", size, n, buf + 8);
    return bad;
}

static void truncation(void)
{
    static const char *expects[] = {
        "", "x", "0123456789", "-2147483648|ffffffff|  3.14|hello world",
        "a fairly long line that will be cut at many different places, 1234567890",
    };
    int failures = 0, checks = 0;
    for (size_t size = 0; size <= 100; size++) {
        failures += check_size(expects[0], size, "%s", "");
        failures += check_size(expects[1], size, "%c", 'x');
        failures += check_size(expects[2], size, "%d%s", 0, "123456789");
        failures += check_size(expects[3], size, "%d|%x|%6.2f|%s", -2147483647 - 1, -1, 3.14159, "hello world");
        failures += check_size(expects[4], size, "a fairly long line that will be cut at %s places, %lld", "many different", 1234567890LL);
        checks += 5;
    }
    printf("truncation: %d checks, %d failures\n", checks, failures);
    char small[6];
    int n = snprintf(small, sizeof small, "%s-%d", "abcdef", 42);
    printf("small=\"%s\" n=%d\n", small, n);
    n = snprintf(NULL, 0, "%0*d", 50, 7);
    printf("length only: %d\n", n);
}

static void dynamic(void)
{
    char *s = NULL;
    int n = asprintf(&s, "%s=%d;%s=%.3f", "alpha", 1, "beta", 2.5);
    printf("asprintf %d \"%s\"\n", n, s);
    free(s);
    n = asprintf(&s, "%5000d|", 1);
    printf("asprintf long %d last=\"%s\" len=%zu\n", n, s + 4995, strlen(s));
    free(s);

    char *mem = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&mem, &size);
    for (int i = 0; i < 1000; i++)
        fprintf(f, "%d,", i * i);
    fflush(f);
    printf("memstream size after flush %zu\n", size);
    fprintf(f, "end");
    fclose(f);
    printf("memstream size %zu tail \"%s\" head \"%.20s\"\n", size, mem + size - 20, mem);
    free(mem);

    char fixed[32];
    FILE *g = fmemopen(fixed, sizeof fixed, "w");
    int w = fprintf(g, "%s %d %s", "fmemopen", 12345, "writes into a fixed buffer");
    fclose(g);
    printf("fmemopen wrote %d, buffer \"%s\"\n", w, fixed);

    char input[] = "17 0x1f 3.5 word";
    FILE *r = fmemopen(input, strlen(input), "r");
    int a = 0, b = 0;
    double c = 0;
    char word[8] = "";
    int got = fscanf(r, "%d %i %lf %7s", &a, &b, &c, word);
    printf("fmemopen read %d: %d %d %g %s eof=%d\n", got, a, b, c, word, fgetc(r) == EOF);
    fclose(r);
}

static void sprintf_chain(void)
{
    char buf[256];
    int pos = 0;
    for (int i = 0; i < 20; i++)
        pos += sprintf(buf + pos, "%x.", i * 4099);
    printf("chain pos=%d buf=%s\n", pos, buf);
}

int main(void)
{
    truncation();
    dynamic();
    sprintf_chain();
    return 0;
}
