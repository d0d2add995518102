/* System calls whose arguments strace shows symbolically (open flags and
   modes, AT_FDCWD, mmap protections and flags, errors, escaped buffers):
   test/strace.test.ts compares `dsu run --strace` with strace on it. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
  write(1, "hi\n", 3);
  int missing = open("missing-file", O_RDONLY | O_CLOEXEC);
  int fd = openat(AT_FDCWD, "new-file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  /* control bytes, one followed by a digit, and a tab */
  write(fd, "\0\1\2" "7bytes\tx\n", 12);
  char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mprotect(p, 4096, PROT_NONE);
  munmap(p, 8192);
  close(fd);
  unlink("new-file");
  printf("missing=%d mapped=%d\n", missing, p != MAP_FAILED);
  return 0;
}
