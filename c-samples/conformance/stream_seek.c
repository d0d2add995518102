/* Seeking on whatever the standard streams are (pipes under the conformance
 * harness, files when test/stdio-files.test.ts redirects them) and on
 * character devices: lseek on /dev/null and /dev/zero succeeds, on a pipe it
 * fails with ESPIPE; fseek/ftell/rewind on stdin, ftell on stdout. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SHOW(label, expr) do { long r_ = (long)(expr); \
    if (r_ < 0) printf("%s = -1 (%s)\n", label, strerror(errno)); else printf("%s = %ld\n", label, r_); } while (0)

int main(void)
{
    char line[64];
    SHOW("lseek(stdin, 0, SEEK_CUR)", lseek(0, 0, SEEK_CUR));
    if (fgets(line, sizeof line, stdin)) printf("first line: %s", line);
    SHOW("ftell(stdin)", ftell(stdin));
    SHOW("fseek(stdin, 3, SEEK_SET)", fseek(stdin, 3, SEEK_SET));
    if (fgets(line, sizeof line, stdin)) printf("after fseek: %s", line);
    errno = 0;
    rewind(stdin);
    printf("rewind errno: %s\n", strerror(errno));
    clearerr(stdin);
    if (fgets(line, sizeof line, stdin)) printf("after rewind: %s", line);
    SHOW("lseek(stdin, 0, SEEK_END)", lseek(0, 0, SEEK_END));

    printf("some output before ftell\n");
    fflush(stdout);
    SHOW("lseek(stdout, 0, SEEK_CUR)", lseek(1, 0, SEEK_CUR));
    SHOW("ftell(stdout)", ftell(stdout));

    int null = open("/dev/null", O_RDWR);
    SHOW("lseek(/dev/null, 100, SEEK_SET)", lseek(null, 100, SEEK_SET));
    SHOW("lseek(/dev/null, 0, SEEK_END)", lseek(null, 0, SEEK_END));
    int zero = open("/dev/zero", O_RDONLY);
    SHOW("lseek(/dev/zero, 4096, SEEK_SET)", lseek(zero, 4096, SEEK_SET));
    int p[2];
    pipe(p);
    SHOW("lseek(pipe, 0, SEEK_CUR)", lseek(p[0], 0, SEEK_CUR));
    char c;
    SHOW("pread(pipe)", pread(p[0], &c, 1, 0));
    FILE *f = fopen("/dev/null", "r+");
    SHOW("fseek(/dev/null stream, 10, SEEK_SET)", fseek(f, 10, SEEK_SET));
    SHOW("ftell(/dev/null stream)", ftell(f));
    return 0;
}
