/* Sends 10 MiB four times to one client over a blocking TCP socket, with
 * write, send, writev and sendfile (of the file named by argv[1]), and
 * prints what each returned: on a blocking socket each call returns only
 * when everything is sent, however slowly the client reads. Prints
 * "ready PORT" once listening on a loopback port chosen by the kernel. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 1) < 0 || getsockname(s, (struct sockaddr *)&a, &al) < 0)
        return 1;
    printf("ready %d\n", ntohs(a.sin_port));
    fflush(stdout);
    int c = accept(s, NULL, NULL);
    size_t n = 10 << 20;
    char *buf = malloc(n);
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(i * 7 + (i >> 12));
    long r1 = write(c, buf, n);
    long r2 = send(c, buf, n, 0);
    struct iovec iv[2] = { { buf, n / 2 }, { buf + n / 2, n / 2 } };
    long r3 = writev(c, iv, 2);
    int f = open(argv[1], O_RDONLY);
    off_t off = 0;
    long r4 = sendfile(c, f, &off, n);
    printf("write %ld send %ld writev %ld sendfile %ld offset %ld\n", r1, r2, r3, r4, (long)off);
    close(c);
    return 0;
}
