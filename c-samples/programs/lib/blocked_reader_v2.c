/* The patch of blocked_reader: answer() says v2; read_request is unchanged
 * but shipped, as a whole changed file would ship it. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int read_request(char *buf, int size)
{
    int n = (int)read(0, buf, (size_t)size - 1);
    if (n > 0)
        buf[n] = '\0';
    return n;
}
int answer(const char *req)
{
    return printf("v2 %zu\n", strcspn(req, "\n"));
}
