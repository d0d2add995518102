/* stdout and stderr: stdout on a pipe is fully buffered and stderr is not,
 * so once both go to the same pipe (2>&1, done here with dup2) the order of
 * the bytes shows exactly when each stream flushed. Also line-buffered,
 * unbuffered and small fully-buffered streams on the same pipe, ungetc, and
 * an exit() from a nested call that must still flush pending output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void nested_exit(int depth)
{
    if (depth < 0)
        return;
    if (depth == 0) {
        printf("pending line written before exit(5), flushed by exit\n");
        fprintf(stderr, "stderr just before exit\n");
        exit(5);
    }
    nested_exit(depth - 1);
}

int main(void)
{
    /* separate pipes: each stream's own order */
    for (int i = 0; i < 3; i++) {
        printf("out %d\n", i);
        fprintf(stderr, "err %d\n", i);
    }
    fputs("partial err without newline;", stderr);
    fputs(" rest\n", stderr);
    fflush(stdout);

    if (dup2(STDOUT_FILENO, STDERR_FILENO) != STDERR_FILENO) {
        perror("dup2");
        return 1;
    }
    printf("A: buffered stdout line 1\n");
    fprintf(stderr, "B: stderr goes first, stdout is still buffered\n");
    printf("C: buffered stdout line 2\n");
    fflush(stdout);
    fprintf(stderr, "D: after the flush\n");
    printf("E: ");
    fflush(stdout);
    fprintf(stderr, "F: in the middle of E's line\n");
    printf("end of E\n");
    fflush(stdout);

    FILE *line = fdopen(dup(STDOUT_FILENO), "w");
    FILE *none = fdopen(dup(STDOUT_FILENO), "w");
    FILE *full = fdopen(dup(STDOUT_FILENO), "w");
    static char small[16];
    if (!line || !none || !full) {
        perror("fdopen");
        return 1;
    }
    setvbuf(line, NULL, _IOLBF, 0);
    setvbuf(none, NULL, _IONBF, 0);
    setvbuf(full, small, _IOFBF, sizeof small);
    fprintf(line, "line-buffered start...");
    fprintf(none, "[unbuffered]");
    fprintf(full, "0123456789");
    fprintf(line, "line end\n");
    fprintf(full, "abcdefghij");
    fprintf(none, "[unbuffered 2]\n");
    fprintf(full, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    fprintf(none, "\n[unbuffered 3]\n");
    fclose(full);
    fputc('\n', line);
    fclose(line);
    fclose(none);

    int c = getc(stdin);
    printf("stdin is empty: %d\n", c == EOF);
    FILE *mem = fmemopen((char[]){"xyz"}, 3, "r");
    int first = getc(mem);
    ungetc('Q', mem);
    int again = getc(mem);
    int next = getc(mem);
    printf("ungetc: %c %c %c\n", first, again, next);
    fclose(mem);

    printf("setvbuf on stdout after use returns %s\n", setvbuf(stdout, NULL, _IONBF, 0) == 0 ? "0" : "nonzero");
    for (int i = 0; i < 5; i++) {
        printf("loop %d stdout\n", i);
        if (i % 2)
            fprintf(stderr, "loop %d stderr\n", i);
    }
    nested_exit(10);
    return 0;
}
