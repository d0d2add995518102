/* <ctype.h> in the "C" locale: every classification and case mapping for
 * all 256 byte values and EOF, setlocale queries, localeconv's fields,
 * nl_langinfo, strcoll/strxfrm (byte order in "C"), toupper/tolower over the
 * whole range and the _l variants with an explicit locale object. */
#define _GNU_SOURCE
#include <ctype.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void table(void)
{
    static const char *names[] = {"alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit"};
    int counts[12] = {0};
    for (int c = -1; c < 256; c++) {
        int bits[12] = {isalnum(c), isalpha(c), isblank(c), iscntrl(c), isdigit(c), isgraph(c),
                        islower(c), isprint(c), ispunct(c), isspace(c), isupper(c), isxdigit(c)};
        char row[13];
        for (int i = 0; i < 12; i++) {
            row[i] = bits[i] ? 'x' : '.';
            counts[i] += bits[i] != 0;
        }
        row[12] = 0;
        printf("%4d %s toupper %3d tolower %3d isascii %d\n", c, row, toupper(c), tolower(c), isascii(c) != 0);
    }
    for (int i = 0; i < 12; i++)
        printf("is%s: %d\n", names[i], counts[i]);
}

static void locale_info(void)
{
    printf("setlocale(LC_ALL, NULL) = %s\n", setlocale(LC_ALL, NULL));
    printf("setlocale(LC_ALL, \"C\") = %s\n", setlocale(LC_ALL, "C"));
    printf("setlocale(LC_NUMERIC, \"POSIX\") = %s\n", setlocale(LC_NUMERIC, "POSIX"));
    const char *bogus = setlocale(LC_ALL, "xx_NOT.A-LOCALE");
    printf("setlocale(unknown) = %s\n", bogus ? bogus : "(null)");
    struct lconv *lc = localeconv();
    printf("decimal_point \"%s\" thousands_sep \"%s\" grouping len %zu int_curr_symbol \"%s\" currency_symbol \"%s\"\n",
           lc->decimal_point, lc->thousands_sep, strlen(lc->grouping), lc->int_curr_symbol, lc->currency_symbol);
    printf("frac_digits %d p_cs_precedes %d n_sign_posn %d (CHAR_MAX %d)\n", lc->frac_digits, lc->p_cs_precedes,
           lc->n_sign_posn, CHAR_MAX);
    printf("CODESET %s D_T_FMT \"%s\" D_FMT \"%s\" DAY_1 %s MON_12 %s YESEXPR %s RADIXCHAR %s\n", nl_langinfo(CODESET),
           nl_langinfo(D_T_FMT), nl_langinfo(D_FMT), nl_langinfo(DAY_1), nl_langinfo(MON_12), nl_langinfo(YESEXPR),
           nl_langinfo(RADIXCHAR));
    printf("MB_CUR_MAX %zu\n", (size_t)MB_CUR_MAX);
}

static void collation(void)
{
    static const char *pairs[][2] = {{"abc", "abd"}, {"ABC", "abc"}, {"a", "A"}, {"", "a"}, {"\xe9", "z"}, {"same", "same"}};
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        int c = strcoll(pairs[i][0], pairs[i][1]);
        char x[32];
        size_t n = strxfrm(x, pairs[i][0], sizeof x);
        printf("strcoll(\"%s\", \"%s\") sign %d strxfrm len %zu same-as-input %d\n", pairs[i][0], pairs[i][1],
               (c > 0) - (c < 0), n, strcmp(x, pairs[i][0]) == 0);
    }
    locale_t c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    int upper = 0;
    for (int ch = 0; ch < 256; ch++)
        upper += isupper_l(ch, c_locale) != 0 && toupper_l(tolower_l(ch, c_locale), c_locale) == ch;
    printf("isupper_l round trips: %d\n", upper);
    freelocale(c_locale);
}

int main(void)
{
    table();
    locale_info();
    collation();
    return 0;
}
