/* Reads requests one line at a time through read_request(), which blocks in
 * read(2) while no input is there, and answers each with answer(). A patch of
 * read_request must wait until that read returns; test/patch-wait-messages
 * checks what dsu patch says when it does not return in time. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) int read_request(char *buf, int size)
{
    int n = (int)read(0, buf, (size_t)size - 1);
    if (n > 0)
        buf[n] = '\0';
    return n;
}

__attribute__((noinline)) int answer(const char *req)
{
    return printf("v1 %zu\n", strcspn(req, "\n"));
}

int main(void)
{
    char buf[128];
    puts("ready");
    fflush(stdout);
    while (read_request(buf, sizeof buf) > 0) {
        answer(buf);
        fflush(stdout);
    }
    return 0;
}
