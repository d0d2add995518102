/* The kernel log through syslog(2) (what dmesg calls), read-only actions
 * only: open and close, the buffer size, the unread size, reading the
 * whole log into a small and a large buffer (the text is not printed: the
 * log may grow between two runs), and invalid arguments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

static void show(const char *what, int r)
{
    if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
    else printf("%s: ok\n", what);
}

int main(void)
{
    show("close", klogctl(0, NULL, 0));
    show("open", klogctl(1, NULL, 0));
    int size = klogctl(10, NULL, 0);
    if (size < 0) printf("size buffer: -1 %s\n", strerror(errno));
    else printf("size buffer: %d (power of two %d)\n", size > 0 ? 1 : 0, (size & (size - 1)) == 0);
    show("size unread", klogctl(9, NULL, 0));
    char small[16];
    int n = klogctl(3, small, sizeof small);
    if (n < 0) printf("read all (16): -1 %s\n", strerror(errno));
    else printf("read all (16): %s\n", n <= 16 ? "within the buffer" : "overflow");
    if (size > 0) {
        char *all = malloc((size_t)size);
        n = klogctl(3, all, size);
        if (n < 0) printf("read all: -1 %s\n", strerror(errno));
        else printf("read all: %s\n", n <= size ? "within the buffer" : "overflow");
        free(all);
    }
    show("read all, length 0", klogctl(3, small, 0));
    show("read all, negative length", klogctl(3, small, -1));
    show("read all, NULL buffer", klogctl(3, NULL, 16));
    show("action 99", klogctl(99, NULL, 0));
    show("action -1", klogctl(-1, NULL, 0));
    return 0;
}
