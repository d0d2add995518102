/* POSIX regular expressions and shell patterns, as servers use them for
 * routing and validation: regcomp/regexec with basic and extended syntax,
 * sub-match offsets, REG_ICASE, REG_NEWLINE, REG_NOSUB, REG_NOTBOL, back
 * references, compile errors reported by regerror, a global search loop;
 * and fnmatch with FNM_PATHNAME, FNM_PERIOD, FNM_NOESCAPE, FNM_CASEFOLD. */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

static void try(const char *pattern, int cflags, const char *subject, int eflags)
{
    regex_t re;
    int rc = regcomp(&re, pattern, cflags);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &re, msg, sizeof msg);
        printf("regcomp(\"%s\") failed %d: %s\n", pattern, rc, msg);
        return;
    }
    regmatch_t m[6];
    rc = regexec(&re, subject, 6, m, eflags);
    printf("/%s/%s%s%s on \"%s\": ", pattern, cflags & REG_EXTENDED ? "E" : "B", cflags & REG_ICASE ? "i" : "",
           cflags & REG_NEWLINE ? "n" : "", subject);
    if (rc == REG_NOMATCH)
        printf("no match\n");
    else if (rc != 0)
        printf("error %d\n", rc);
    else if (cflags & REG_NOSUB)
        printf("match (no sub-matches requested), nsub %zu\n", re.re_nsub);
    else {
        printf("nsub %zu", re.re_nsub);
        for (size_t i = 0; i <= re.re_nsub && i < 6; i++) {
            if (m[i].rm_so < 0)
                printf(" [%zu unset]", i);
            else
                printf(" [%zu %d-%d \"%.*s\"]", i, (int)m[i].rm_so, (int)m[i].rm_eo, (int)(m[i].rm_eo - m[i].rm_so),
                       subject + m[i].rm_so);
        }
        printf("\n");
    }
    regfree(&re);
}

static void global_search(void)
{
    regex_t re;
    regcomp(&re, "([a-z]+)=([0-9]+)", REG_EXTENDED);
    const char *s = "a=1, bb=22; ccc=333 x= dd=4444 end";
    regmatch_t m[3];
    int n = 0;
    for (const char *p = s; regexec(&re, p, 3, m, p == s ? 0 : REG_NOTBOL) == 0; p += m[0].rm_eo) {
        printf("global match %d at %ld: key \"%.*s\" value \"%.*s\"\n", n++, (long)(p - s + m[0].rm_so),
               (int)(m[1].rm_eo - m[1].rm_so), p + m[1].rm_so, (int)(m[2].rm_eo - m[2].rm_so), p + m[2].rm_so);
    }
    regfree(&re);
}

static void patterns(void)
{
    static const struct {
        const char *pattern, *name;
        int flags;
    } cases[] = {
        {"*.c", "main.c", 0}, {"*.c", "dir/main.c", 0}, {"*.c", "dir/main.c", FNM_PATHNAME},
        {"*/*.c", "dir/main.c", FNM_PATHNAME}, {"*", ".hidden", FNM_PERIOD}, {".*", ".hidden", FNM_PERIOD},
        {"[a-c]?[!0-9]", "b7x", 0}, {"[a-c]?[!0-9]", "b77", 0}, {"\\*", "*", 0}, {"\\*", "\\*", FNM_NOESCAPE},
        {"*.TXT", "notes.txt", FNM_CASEFOLD}, {"*.TXT", "notes.txt", 0}, {"[[:digit:]]*", "42abc", 0},
        {"/api/*/items", "/api/v2/items", FNM_PATHNAME}, {"/api/*", "/api/v2/items", FNM_PATHNAME},
        {"/api/*", "/api/v2/items", FNM_PATHNAME | FNM_LEADING_DIR},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
        printf("fnmatch(\"%s\", \"%s\", %#x) = %s\n", cases[i].pattern, cases[i].name, (unsigned)cases[i].flags,
               fnmatch(cases[i].pattern, cases[i].name, cases[i].flags) == 0 ? "match" : "no match");
}

int main(void)
{
    try("^GET /([a-z]+)/([0-9]+)( HTTP/1\\.[01])?$", REG_EXTENDED, "GET /users/42 HTTP/1.1", 0);
    try("^GET /([a-z]+)/([0-9]+)( HTTP/1\\.[01])?$", REG_EXTENDED, "GET /users/42", 0);
    try("^GET /([a-z]+)/([0-9]+)", REG_EXTENDED, "POST /users/42", 0);
    try("\\(ab*\\)c\\1", 0, "xxabbcabbyy", 0);
    try("(a|ab)(c|bcd)(d*)", REG_EXTENDED, "abcd", 0);
    try("colou?r", REG_EXTENDED | REG_ICASE, "Favourite COLOR", 0);
    try("^line", REG_EXTENDED | REG_NEWLINE, "first\nline two", 0);
    try("^line", REG_EXTENDED, "first\nline two", 0);
    try("two$", REG_EXTENDED | REG_NEWLINE, "line two\nthree", 0);
    try("[[:alpha:]_][[:alnum:]_]*", REG_EXTENDED, "  123 _ident9 rest", 0);
    try("[0-9]{3}-[0-9]{4}", REG_EXTENDED | REG_NOSUB, "call 555-1234 now", 0);
    try("^start", REG_EXTENDED, "start here", REG_NOTBOL);
    try("a{2,3}", REG_EXTENDED, "caaaat", 0);
    try("(x*)(y*)", REG_EXTENDED, "zzz", 0);
    try("([0-9]+)\\.([0-9]+)\\.([0-9]+)\\.([0-9]+)", REG_EXTENDED, "ip 192.168.10.254 ok", 0);
    try("(unclosed", REG_EXTENDED, "", 0);
    try("a**", REG_EXTENDED, "aaa", 0);
    try("[z-a]", REG_EXTENDED, "", 0);
    try("x{3,1}", REG_EXTENDED, "", 0);
    try("\\(", 0, "", 0);
    global_search();
    patterns();
    return 0;
}
