/* Memory calls as strace shows them: mmap2 protections and flags (file and
   anonymous, fixed, stack), mprotect, mremap flags, madvise advice, msync
   flags, mlock, brk. Compared with the real strace by
   test/diff/strace-parity.test.ts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(void) {
  prctl(PR_SET_NAME, "trace-begin");
  char *a = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  a[0] = 1;
  madvise(a, 16384, MADV_DONTNEED);
  madvise(a, 4096, MADV_WILLNEED);
  /* one mapping of one protection: mremap fails natively (EFAULT) on a
     range that mprotect split in several */
  char *b = mremap(a, 16384, 32768, MREMAP_MAYMOVE);
  mprotect(b + 4096, 4096, PROT_READ);
  mprotect(b + 8192, 4096, PROT_NONE);
  mlock(b, 4096);
  munlock(b, 4096);
  msync(b, 4096, MS_ASYNC);
  munmap(b, 32768);
  char *s = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
  munmap(s, 65536);
  int fd = open("mapped", O_RDWR | O_CREAT | O_TRUNC, 0600);
  ftruncate(fd, 8192);
  char *f = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
  if (f == MAP_FAILED) f = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
  f[0] = 'x';
  msync(f, 4096, MS_SYNC | MS_INVALIDATE);
  munmap(f, 4096);
  char *bad = mmap(NULL, 4096, PROT_READ, MAP_SHARED, -1, 0);
  close(fd);
  unlink("mapped");
  void *p = sbrk(0);
  brk((char *)p + 65536);
  brk(p);
  printf("bad=%d\n", bad == MAP_FAILED);
  return 0;
}
