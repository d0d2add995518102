/* What a program expects of the / it runs in, for test/diff/sysroot.test.ts:
   its own library (RPATH /app/lib, only in the root), the host's libc (with
   --sysroot) or the root's (with --root), the character devices, /dev/fd
   and /dev/stdout, POSIX shared memory in /dev/shm, the system files of
   /proc and the guest's /proc/self, and a file written in its current
   directory. Each line says what was seen, the same natively (the host's
   / holds everything) and under dsu with a root that has no /dev or /proc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *greet(void);

static int read_all(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -errno;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0) return -errno;
  buf[n] = 0;
  return (int)n;
}

static const char *yes(int ok) { return ok ? "yes" : "no"; }

int main(void) {
  printf("library: %s\n", greet());

  int fd = open("/dev/null", O_RDWR);
  printf("/dev/null write: %zd\n", write(fd, "discarded", 9));
  char c;
  printf("/dev/null read: %zd\n", read(fd, &c, 1));
  close(fd);

  unsigned char z[16];
  memset(z, 0xff, sizeof z);
  fd = open("/dev/zero", O_RDONLY);
  ssize_t n = read(fd, z, sizeof z);
  int zeros = 1;
  for (int i = 0; i < 16; i++) zeros &= z[i] == 0;
  printf("/dev/zero: %zd bytes, all zero %s\n", n, yes(zeros));
  close(fd);

  fd = open("/dev/full", O_WRONLY);
  errno = 0;
  n = write(fd, "x", 1);
  printf("/dev/full write: %zd %s\n", n, strerror(errno));
  close(fd);

  unsigned char r[32];
  fd = open("/dev/urandom", O_RDONLY);
  printf("/dev/urandom: %zd bytes\n", read(fd, r, sizeof r));
  close(fd);
  fd = open("/dev/random", O_RDONLY);
  printf("/dev/random: %zd bytes\n", read(fd, r, 8));
  close(fd);

  struct stat st;
  printf("/dev/null is a character device: %s\n", yes(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode)));
  printf("/dev/fd is a directory: %s\n", yes(stat("/dev/fd", &st) == 0 && S_ISDIR(st.st_mode)));

  fflush(stdout);
  fd = open("/dev/stdout", O_WRONLY);
  dprintf(fd, "written through /dev/stdout\n");
  close(fd);
  fd = open("/dev/fd/1", O_WRONLY);
  dprintf(fd, "written through /dev/fd/1\n");
  close(fd);

  char name[64];
  snprintf(name, sizeof name, "/dsu-sysroot-probe-%d", getpid());
  fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
  int shm_ok = fd >= 0 && ftruncate(fd, 4096) == 0;
  char *p = shm_ok ? mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
  if (p != MAP_FAILED) {
    strcpy(p, "shared");
    shm_ok = strcmp(p, "shared") == 0;
    munmap(p, 4096);
  } else {
    shm_ok = 0;
  }
  if (fd >= 0) close(fd);
  printf("shm_open, ftruncate, mmap: %s\n", yes(shm_ok));
  printf("shm_unlink: %d\n", shm_unlink(name));

  char buf[8192];
  printf("/proc/cpuinfo has a processor line: %s\n", yes(read_all("/proc/cpuinfo", buf, sizeof buf) > 0 && strstr(buf, "processor") != NULL));
  printf("/proc/meminfo has MemTotal: %s\n", yes(read_all("/proc/meminfo", buf, sizeof buf) > 0 && strncmp(buf, "MemTotal:", 9) == 0));
  double up = -1;
  if (read_all("/proc/uptime", buf, sizeof buf) > 0) sscanf(buf, "%lf", &up);
  printf("/proc/uptime positive: %s\n", yes(up > 0));
  printf("/proc/loadavg read: %s\n", yes(read_all("/proc/loadavg", buf, sizeof buf) > 0));
  printf("/proc/stat has cpu: %s\n", yes(read_all("/proc/stat", buf, sizeof buf) > 0 && strncmp(buf, "cpu", 3) == 0));
  printf("/proc/sys/kernel/ostype: %s", read_all("/proc/sys/kernel/ostype", buf, sizeof buf) > 0 ? buf : "(none)\n");
  printf("/proc/sys/kernel/pid_max read: %s\n", yes(read_all("/proc/sys/kernel/pid_max", buf, sizeof buf) > 0));
  printf("/proc/self/comm: %s", read_all("/proc/self/comm", buf, sizeof buf) > 0 ? buf : "(none)\n");
  char exe[4096];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[len > 0 ? len : 0] = 0;
  printf("/proc/self/exe ends with sysroot_probe: %s\n", yes(len > 0 && strstr(exe, "sysroot_probe") != NULL));

  FILE *maps = fopen("/proc/self/maps", "r");
  int libc_inode = 0;
  char line[512];
  while (maps && fgets(line, sizeof line, maps)) {
    unsigned long inode = 0;
    if (strstr(line, "libc.so.6") && sscanf(line, "%*s %*s %*s %*s %lu", &inode) == 1 && inode != 0) libc_inode = 1;
  }
  if (maps) fclose(maps);
  printf("/proc/self/maps shows libc.so.6 with its inode: %s\n", yes(libc_inode));

  FILE *f = fopen("probe-output.txt", "w");
  int wrote = f != NULL && fputs("written in the current directory\n", f) >= 0;
  if (f) fclose(f);
  printf("a file in the current directory: %s\n", yes(wrote && read_all("probe-output.txt", buf, sizeof buf) > 0));
  unlink("probe-output.txt");
  return 0;
}
