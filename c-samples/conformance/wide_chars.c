/* Wide characters in the "C" locale: mbstowcs/wcstombs and mbrtowc/wcrtomb
 * on ASCII and on bytes above 0x7f (which the C locale maps one to one or
 * rejects with EILSEQ, as glibc decides), wcslen/wcscpy/wcscmp/wcschr/
 * wcsstr/wcstok, wide printf (swprintf with %ls, %lc, widths), wcstol and
 * wcstod, the wctype classification functions and towupper/towlower; and
 * hand-written UTF-8 encoding and decoding of code points of every length. */
#define _GNU_SOURCE
#include <errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

static int utf8_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* returns bytes consumed, or -1 for an invalid sequence */
static int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return -1;
    int len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : -1;
    if (len < 0 || (size_t)len > n)
        return -1;
    uint32_t v = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        v = (v << 6) | (s[i] & 0x3f);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return -1;
    *cp = v;
    return len;
}

static void utf8_roundtrip(void)
{
    static const uint32_t cps[] = {0x24, 0x7f, 0x80, 0xa2, 0x7ff, 0x800, 0x20ac, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10348, 0x10ffff};
    unsigned char buf[64];
    size_t pos = 0;
    for (unsigned i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        int n = utf8_encode(cps[i], buf + pos);
        printf("U+%04X ->", cps[i]);
        for (int j = 0; j < n; j++)
            printf(" %02x", buf[pos + j]);
        printf("\n");
        pos += (size_t)n;
    }
    size_t at = 0;
    int count = 0, ok = 1;
    while (at < pos) {
        uint32_t cp;
        int n = utf8_decode(buf + at, pos - at, &cp);
        if (n < 0 || cp != cps[count])
            ok = 0;
        at += n > 0 ? (size_t)n : 1;
        count++;
    }
    printf("decoded %d code points back, all equal %d\n", count, ok);
    static const char *bad[] = {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\xe2\x82"};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t cp;
        printf("invalid sequence %u rejected %d\n", i, utf8_decode((const unsigned char *)bad[i], strlen(bad[i]), &cp) < 0);
    }
}

static void c_locale_conversions(void)
{
    setlocale(LC_ALL, "C");
    wchar_t w[64];
    size_t n = mbstowcs(w, "plain ASCII text", 64);
    printf("mbstowcs ascii: %zu, wcslen %zu, w[6] = %lc\n", n, wcslen(w), (wint_t)w[6]);
    errno = 0;
    n = mbstowcs(w, "caf\xc3\xa9", 64);
    printf("mbstowcs with bytes above 0x7f: %zd errno %s", (ssize_t)n, errno == EILSEQ ? "EILSEQ" : errno ? "other" : "0");
    if (n != (size_t)-1) {
        printf(", values:");
        for (size_t i = 0; i < n; i++)
            printf(" %#x", (unsigned)w[i]);
    }
    printf("\n");
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (int c = 0x7e; c <= 0x82; c++) {
        char byte = (char)c;
        wchar_t out = 0;
        errno = 0;
        size_t r = mbrtowc(&out, &byte, 1, &st);
        printf("mbrtowc(0x%02x) = %zd value %#x errno %d\n", c, (ssize_t)r, (unsigned)out, errno != 0);
        memset(&st, 0, sizeof st);
    }
    char mb[16];
    errno = 0;
    size_t r = wcrtomb(mb, L'A', &st);
    printf("wcrtomb('A') = %zu byte %02x\n", r, (unsigned char)mb[0]);
    errno = 0;
    r = wcrtomb(mb, 0x20ac, &st);
    printf("wcrtomb(U+20AC) = %zd errno %s\n", (ssize_t)r, errno == EILSEQ ? "EILSEQ" : "0");
    n = wcstombs(mb, L"back", sizeof mb);
    printf("wcstombs: %zu \"%s\", length only %zu\n", n, mb, wcstombs(NULL, L"counting", 0));
    printf("mblen(\"x\") %d mblen(\"\") %d btowc('z') %#x wctob(L'q') %c\n", mblen("x", 1), mblen("", 1),
           (unsigned)btowc('z'), wctob(L'q'));
}

static void wide_strings(void)
{
    wchar_t a[64], b[64];
    wcscpy(a, L"wide strings, wide results");
    wcsncpy(b, a, 4);
    b[4] = 0;
    wcscat(b, L" world");
    printf("wcslen %zu %zu wcscmp %d wcsncmp %d\n", wcslen(a), wcslen(b), wcscmp(a, b) > 0, wcsncmp(a, b, 4));
    printf("wcschr(',') at %ld, wcsrchr('w') at %ld, wcsstr(\"results\") at %ld, wcsspn %zu wcscspn %zu\n",
           (long)(wcschr(a, L',') - a), (long)(wcsrchr(a, L'w') - a), (long)(wcsstr(a, L"results") - a),
           wcsspn(a, L"wide "), wcscspn(a, L","));
    wchar_t *save;
    wchar_t text[] = L"alpha beta,gamma  delta";
    for (wchar_t *t = wcstok(text, L" ,", &save); t; t = wcstok(NULL, L" ,", &save))
        printf("wcstok: %ls (%zu)\n", t, wcslen(t));
    wchar_t out[128];
    int n = swprintf(out, 128, L"[%5ls|%-6d|%lc|%#x|%.3f|%ls]", L"ab", 42, (wint_t)L'Z', 255u, 3.14159, L"end");
    printf("swprintf %d: %ls\n", n, out);
    n = swprintf(out, 8, L"%ls", L"this does not fit");
    printf("swprintf into 8: %d\n", n);
    wchar_t *end;
    long l = wcstol(L"  -12345xyz", &end, 10);
    double d = wcstod(L"6.25e-2 rest", &end);
    printf("wcstol %ld wcstod %g rest \"%ls\" wcstoul hex %lu\n", l, d, end, wcstoul(L"ff", NULL, 16));
    printf("wmemcmp %d wmemchr %ld\n", wmemcmp(L"abc", L"abd", 3) < 0, (long)((wchar_t *)wmemchr(a, L's', 20) - a));
}

static void classes(void)
{
    int counts[6] = {0};
    for (wint_t c = 0; c < 256; c++) {
        counts[0] += iswalpha(c) != 0;
        counts[1] += iswdigit(c) != 0;
        counts[2] += iswspace(c) != 0;
        counts[3] += iswpunct(c) != 0;
        counts[4] += iswupper(c) != 0 && towlower(c) != c;
        counts[5] += iswctype(c, wctype("alnum")) != 0;
    }
    printf("C-locale wide classes over 0..255: alpha %d digit %d space %d punct %d upper-with-lower %d alnum %d\n",
           counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    printf("towupper('q') %lc towlower('Q') %lc towupper(0xe9) %#x wcwidth('a') %d wcwidth(0) %d\n", (wint_t)towupper(L'q'),
           (wint_t)towlower(L'Q'), (unsigned)towupper(0xe9), wcwidth(L'a'), wcwidth(0));
}

int main(void)
{
    utf8_roundtrip();
    c_locale_conversions();
    wide_strings();
    classes();
    return 0;
}
