/* Run under a host RLIMIT_AS (ulimit -v, test/diff/rlimit-as): the limit
 * is the program's own, and what it lowers it to holds: mappings past it
 * fail with ENOMEM, those within succeed, and the heap stops growing below
 * it; memory already had stays usable. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

int main(void)
{
    struct rlimit64 r;
    getrlimit64(RLIMIT_AS, &r);
    printf("RLIMIT_AS soft %llu hard %llu\n", (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
    struct rlimit64 low = { 256 << 20, r.rlim_max };
    printf("lower to 256 MiB: %d\n", setrlimit64(RLIMIT_AS, &low));
    void *big = mmap(NULL, 512 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap 512 MiB: %s\n", big == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    char *small = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap 64 MiB: %s\n", small == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    if (small != MAP_FAILED) memset(small, 7, 64 << 20);
    long chunks = 0;
    for (;;) {
        void *p = malloc(16 << 20);
        if (!p) break;
        memset(p, 1, 4096);
        chunks++;
    }
    printf("heap stopped below the limit %d, after some %d, errno %s\n", chunks * 16 < 256, chunks > 2, strerrorname_np(errno));
    printf("earlier memory intact %d\n", small != MAP_FAILED && small[12345] == 7 && small[(64 << 20) - 1] == 7);
    return 0;
}
