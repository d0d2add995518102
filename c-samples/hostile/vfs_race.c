/* Path-swap race against the file-system confinement.
 *   vfs_race swap DIR SECONDS TARGET   exchange DIR/a (a directory) with a
 *       symlink to TARGET, over and over (renameat2 RENAME_EXCHANGE)
 *   vfs_race use DIR SECONDS MARKER    create, open, read, rename, unlink and
 *       mkdir through DIR/a in a loop; counts reads that returned MARKER
 * Prints "ops=N leaks=M" at the end. Run two guests on one --root (or a
 * host process swapping): nothing may appear outside the root, and no
 * read may return the outside file's marker. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE 2
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int swap(const char *dir, double seconds, const char *target) {
  char a[512], b[512];
  snprintf(a, sizeof a, "%s/a", dir);
  snprintf(b, sizeof b, "%s/b", dir);
  mkdir(a, 0777);
  unlink(b);
  if (symlink(target, b) != 0) { perror("symlink"); return 1; }
  long n = 0;
  double end = now() + seconds;
  while (now() < end) {
    if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0) n++;
  }
  /* leave a directory at a */
  struct stat st;
  if (lstat(a, &st) == 0 && S_ISLNK(st.st_mode)) syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
  printf("ops=%ld leaks=0\n", n);
  return 0;
}

static int use(const char *dir, double seconds, const char *marker) {
  char p[512], q[512], buf[256];
  long ops = 0, leaks = 0;
  double end = now() + seconds;
  pid_t me = getpid();
  for (long i = 0; now() < end; i++) {
    snprintf(p, sizeof p, "%s/a/f%d_%ld", dir, me, i % 64);
    snprintf(q, sizeof q, "%s/a/g%d_%ld", dir, me, i % 64);
    int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd >= 0) { (void)!write(fd, "inside\n", 7); close(fd); }
    rename(p, q);
    unlink(q);
    unlink(p);
    snprintf(p, sizeof p, "%s/a/d%d_%ld", dir, me, i % 64);
    if (mkdir(p, 0755) == 0) rmdir(p);
    snprintf(p, sizeof p, "%s/a/secret", dir);
    fd = open(p, O_RDONLY);
    if (fd >= 0) {
      ssize_t n = read(fd, buf, sizeof buf - 1);
      if (n > 0) {
        buf[n] = 0;
        if (strstr(buf, marker)) leaks++;
      }
      close(fd);
    }
    snprintf(p, sizeof p, "%s/a/s%d", dir, me);
    symlink("x", p);
    unlink(p);
    ops += 7;
  }
  printf("ops=%ld leaks=%ld\n", ops, leaks);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: vfs_race swap|use DIR SECONDS TARGET|MARKER\n");
    return 2;
  }
  double seconds = atof(argv[3]);
  if (strcmp(argv[1], "swap") == 0) return swap(argv[2], seconds, argv[4]);
  if (strcmp(argv[1], "use") == 0) return use(argv[2], seconds, argv[4]);
  return 2;
}
