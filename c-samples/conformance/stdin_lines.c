/* Reading standard input (stdin_lines.stdin): a header parsed with scanf,
 * lines read with fgets into a small buffer (long lines arrive in pieces),
 * lines read with getline (any length, embedded NUL bytes counted), getc and
 * ungetc, getdelim with ';', and the EOF/ferror state at the end. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    int count = 0;
    char name[32];
    double scale = 0;
    if (scanf("%d %31s %lf", &count, name, &scale) != 3) {
        printf("bad header\n");
        return 1;
    }
    printf("header: %d records for \"%s\", scale %.3f\n", count, name, scale);
    int c;
    while ((c = getchar()) != '\n' && c != EOF)
        ;
    long total = 0;
    for (int i = 0; i < count; i++) {
        int id, qty;
        char item[24];
        double price;
        int got = scanf("%d,%23[^,],%d,%lf\n", &id, item, &qty, &price);
        if (got != 4) {
            printf("record %d: only %d fields\n", i, got);
            break;
        }
        total += qty;
        printf("record %d: id=%d item=\"%s\" qty=%d price=%.2f value=%.2f\n", i, id, item, qty, price, qty * price * scale);
    }
    printf("total quantity %ld\n", total);

    char small[16];
    int pieces = 0;
    for (int lines = 0; lines < 3 && fgets(small, sizeof small, stdin);) {
        size_t n = strlen(small);
        printf("fgets piece %d (%zu bytes): \"%.*s\"%s\n", pieces++, n, (int)(n && small[n - 1] == '\n' ? n - 1 : n),
               small, n && small[n - 1] == '\n' ? " [end of line]" : "");
        if (n && small[n - 1] == '\n')
            lines++;
    }

    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0;
    while ((len = getline(&line, &cap, stdin)) != -1) {
        if (strncmp(line, "--", 2) == 0)
            break;
        size_t visible = strlen(line);
        unsigned sum = 0;
        for (ssize_t i = 0; i < len; i++)
            sum = sum * 33 + (unsigned char)line[i];
        printf("getline %d: length %zd, strlen %zu, checksum %08x, starts \"%.20s\"\n", lineno++, len, visible, sum,
               line);
    }

    c = getc(stdin);
    ungetc(c, stdin);
    printf("peeked '%c'\n", c);
    while ((len = getdelim(&line, &cap, ';', stdin)) != -1) {
        if (line[len - 1] == ';')
            line[--len] = 0;
        char *p = line;
        while (*p == '\n')
            p++;
        printf("field: \"%s\"\n", p);
    }
    printf("feof %d ferror %d, getchar at EOF %d\n", feof(stdin) != 0, ferror(stdin) != 0, getchar());
    clearerr(stdin);
    printf("after clearerr feof %d\n", feof(stdin) != 0);
    free(line);
    return 0;
}
