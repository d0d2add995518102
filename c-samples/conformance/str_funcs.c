/* The string functions glibc selects through IFUNC (strlen, strnlen, strcmp,
 * strncmp, strcasecmp, strncasecmp, strchr, strrchr, strchrnul, strstr,
 * strcasestr, strcpy, stpcpy, strncpy, strcat, strncat, strspn, strcspn,
 * strpbrk, strtok_r) against naive references over many lengths and
 * alignments, including strings that end right before an inaccessible page. */
#define _GNU_SOURCE
/* keep the reference loops as loops: gcc would otherwise turn them into calls
 * to the very functions under test */
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

static unsigned long checks, failures;

static void check(int ok, const char *fn, size_t len, int align)
{
    checks++;
    if (!ok) {
        failures++;
        if (failures <= 20)
            printf("FAIL %s len=%zu align=%d\n", fn, len, align);
    }
}

static size_t ref_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int ref_strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
    return 0;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int ref_strncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int x = lower((unsigned char)a[i]), y = lower((unsigned char)b[i]);
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
    return 0;
}

static const char *ref_strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return last;
    }
}

static const char *ref_strstr(const char *h, const char *n)
{
    size_t ln = ref_strlen(n);
    for (; *h || !ln; h++) {
        if (ref_strncmp(h, n, ln) == 0)
            return h;
        if (!*h)
            break;
    }
    return NULL;
}

static const char *ref_strcasestr(const char *h, const char *n)
{
    size_t ln = ref_strlen(n);
    for (;; h++) {
        if (ref_strncasecmp(h, n, ln) == 0)
            return h;
        if (!*h)
            return NULL;
    }
}

static size_t ref_strspn(const char *s, const char *set)
{
    size_t n = 0;
    for (; s[n]; n++) {
        const char *p = set;
        while (*p && *p != s[n])
            p++;
        if (!*p)
            break;
    }
    return n;
}

static int sign(int v) { return (v > 0) - (v < 0); }

static char a_buf[5000], b_buf[5000], c_buf[5000];

static void make(char *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (char)('a' + (i * 7 + seed) % 26);
    p[len] = 0;
}

static void lengths_and_compares(size_t len, int align)
{
    char *s = a_buf + align, *t = b_buf + (align * 3) % 32;
    make(s, len, 1);
    make(t, len, 1);
    check(strlen(s) == len, "strlen", len, align);
    for (size_t m = 0; m <= len + 2; m += 1 + len / 5)
        check(strnlen(s, m) == (m < len ? m : len), "strnlen", len, align);
    check(strcmp(s, t) == 0, "strcmp equal", len, align);
    check(strcasecmp(s, t) == 0, "strcasecmp equal", len, align);
    for (size_t pos = 0; pos < len; pos += 1 + len / 9) {
        char saved = t[pos];
        t[pos] = (char)(pos & 1 ? 0xe9 : 'A');
        check(sign(strcmp(s, t)) == ref_strncmp(s, t, (size_t)-1), "strcmp", len, align);
        check(sign(strcmp(t, s)) == ref_strncmp(t, s, (size_t)-1), "strcmp reversed", len, align);
        for (size_t n = 0; n <= len + 1; n += 1 + len / 4)
            check(sign(strncmp(s, t, n)) == ref_strncmp(s, t, n), "strncmp", n, align);
        check(sign(strcasecmp(s, t)) == ref_strncasecmp(s, t, (size_t)-1), "strcasecmp", len, align);
        check(sign(strncasecmp(s, t, pos + 1)) == ref_strncasecmp(s, t, pos + 1), "strncasecmp", len, align);
        t[pos] = saved;
    }
    t[len] = 'z';
    t[len + 1] = 0;
    check(strcmp(s, t) < 0 && strcmp(t, s) > 0, "strcmp prefix", len, align);
    check(strncmp(s, t, len) == 0 && strncmp(s, t, len + 1) < 0, "strncmp prefix", len, align);
}

static void searches(size_t len, int align)
{
    char *s = a_buf + align;
    make(s, len, 3);
    for (int c = 'a'; c <= 'z'; c += 5) {
        const char *first = NULL;
        for (size_t i = 0; i < len && !first; i++)
            if (s[i] == c)
                first = s + i;
        check(strchr(s, c) == first, "strchr", len, align);
        check(strrchr(s, c) == ref_strrchr(s, c), "strrchr", len, align);
        check(strchrnul(s, c) == (first ? first : s + len), "strchrnul", len, align);
    }
    check(strchr(s, 0) == s + len, "strchr nul", len, align);
    check(strrchr(s, 0) == s + len, "strrchr nul", len, align);
    check(strchr(s, 0x100 + 'a') == strchr(s, 'a'), "strchr int", len, align);
    for (size_t nl = 0; nl <= 12 && nl <= len; nl += 3) {
        for (size_t at = 0; at + nl <= len; at += 1 + len / 6) {
            char needle[16];
            memcpy(needle, s + at, nl);
            needle[nl] = 0;
            check(strstr(s, needle) == ref_strstr(s, needle), "strstr", len, align);
            needle[0] ^= 0x20;
            check(strcasestr(s, needle) == ref_strcasestr(s, needle), "strcasestr", len, align);
            check(strstr(s, needle) == ref_strstr(s, needle), "strstr changed case", len, align);
        }
    }
    check(strstr(s, "not-in-there") == NULL, "strstr miss", len, align);
    check(strspn(s, "abcdefghijklmnopqrstuvwxyz") == len, "strspn all", len, align);
    check(strcspn(s, "!") == len, "strcspn none", len, align);
    if (len) {
        char set[3] = {s[len - 1], 0, 0};
        size_t ref = 0;
        while (s[ref] != set[0])
            ref++;
        check(strcspn(s, set) == ref, "strcspn", len, align);
        check(strpbrk(s, set) == s + ref, "strpbrk", len, align);
        check(strspn(s, "aeiouxyz") == ref_strspn(s, "aeiouxyz"), "strspn", len, align);
        check(strspn(s, s + len / 2) == ref_strspn(s, s + len / 2), "strspn long set", len, align);
    }
}

static void copies(size_t len, int align)
{
    char *src = a_buf + align, *dst = c_buf + (align * 5) % 32;
    make(src, len, 5);
    memset(c_buf, '#', sizeof c_buf);
    check(strcpy(dst, src) == dst && ref_strncmp(dst, src, (size_t)-1) == 0 && dst[len + 1] == '#', "strcpy", len, align);
    memset(c_buf, '#', sizeof c_buf);
    check(stpcpy(dst, src) == dst + len && dst[len] == 0 && dst[len + 1] == '#', "stpcpy", len, align);
    for (size_t n = 0; n <= len + 20; n += 1 + len / 3) {
        memset(c_buf, '#', sizeof c_buf);
        strncpy(dst, src, n);
        int ok = dst[n] == '#';
        for (size_t i = 0; i < n; i++)
            ok &= dst[i] == (i < len ? src[i] : 0);
        check(ok, "strncpy", n, align);
        memset(c_buf, '#', sizeof c_buf);
        char *e = stpncpy(dst, src, n);
        check(e == dst + (n < len ? n : len), "stpncpy", n, align);
    }
    strcpy(dst, "head:");
    strcat(dst, src);
    check(ref_strlen(dst) == len + 5 && ref_strncmp(dst + 5, src, (size_t)-1) == 0, "strcat", len, align);
    strncat(dst, src, len / 2);
    check(ref_strlen(dst) == len + 5 + len / 2, "strncat", len, align);
}

static void page_edge(void)
{
    size_t page = 4096;
    char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m + page, page, PROT_NONE) != 0) {
        printf("cannot set up a guard page\n");
        return;
    }
    unsigned long before = failures;
    for (size_t len = 0; len < 300; len++) {
        char *s = m + page - len - 1;
        make(s, len, 7);
        check(strlen(s) == len, "edge strlen", len, 0);
        check(strnlen(s, len + 100) == len, "edge strnlen", len, 0);
        check(strchr(s, '!') == NULL, "edge strchr", len, 0);
        check(strrchr(s, '!') == NULL, "edge strrchr", len, 0);
        check(strcmp(s, s) == 0, "edge strcmp", len, 0);
        check(strcspn(s, "!?") == len, "edge strcspn", len, 0);
        check(strstr(s, "!!") == NULL, "edge strstr", len, 0);
        strcpy(c_buf, s);
        check(strcmp(c_buf, s) == 0, "edge strcpy", len, 0);
        check(strcasecmp(c_buf, s) == 0, "edge strcasecmp", len, 0);
    }
    printf("page edge: %lu failures\n", failures - before);
    munmap(m, 2 * page);
}

static void tokens(void)
{
    char line[] = "  GET /index.html?x=1&y=2 HTTP/1.1\r\nHost: example\r\n\r\n";
    char *save = NULL;
    int n = 0;
    for (char *tok = strtok_r(line, " \r\n", &save); tok; tok = strtok_r(NULL, " \r\n", &save))
        printf("token %d: \"%s\"\n", n++, tok);
    char query[] = "a=1&&b=22&c&=4&";
    char *outer = NULL;
    for (char *kv = strtok_r(query, "&", &outer); kv; kv = strtok_r(NULL, "&", &outer)) {
        char *inner = NULL;
        char *k = strtok_r(kv, "=", &inner);
        char *v = strtok_r(NULL, "=", &inner);
        printf("pair %s -> %s\n", k, v ? v : "(none)");
    }
    char csv[] = "one,,three,";
    char *rest = csv, *field;
    while ((field = strsep(&rest, ",")) != NULL)
        printf("strsep field \"%s\"\n", field);
}

int main(void)
{
    for (size_t len = 0; len <= 260; len++)
        for (int align = 0; align < 32; align++)
            lengths_and_compares(len, align);
    for (size_t len = 1000; len <= 4100; len += 1031)
        lengths_and_compares(len, 7);
    printf("lengths and compares: %lu checks, %lu failures\n", checks, failures);
    for (size_t len = 0; len <= 200; len++)
        for (int align = 0; align < 32; align += 3)
            searches(len, align);
    printf("searches: %lu checks, %lu failures\n", checks, failures);
    for (size_t len = 0; len <= 200; len++)
        for (int align = 0; align < 32; align += 2)
            copies(len, align);
    printf("copies: %lu checks, %lu failures\n", checks, failures);
    page_edge();
    tokens();
    return failures != 0;
}
