/* File and descriptor calls whose arguments and results strace decodes:
   open flags and modes, AT_* flags, statx masks and structs, fcntl commands
   and their results, ioctl requests, lseek whences, access modes, iovecs,
   directory listings. test/diff/strace-parity.test.ts compares
   `dsu run --strace` with the real strace on it, line by line. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void) {
  prctl(PR_SET_NAME, "trace-begin");
  mkdir("dir", 0750);
  int fd = open("dir/data", O_RDWR | O_CREAT | O_EXCL | O_APPEND, 0640);
  write(fd, "hello, world\n", 13);
  struct iovec iov[2] = { { "two ", 4 }, { "parts\n", 6 } };
  writev(fd, iov, 2);
  lseek(fd, 0, SEEK_SET);
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf);
  pread(fd, buf, 5, 7);
  pwrite(fd, "HELLO", 5, 0);
  struct stat st;
  fstat(fd, &st);
  stat("dir/data", &st);
  lstat("dir", &st);
  fstatat(AT_FDCWD, "dir/data", &st, AT_SYMLINK_NOFOLLOW);
  access("dir/data", R_OK | W_OK);
  access("dir/none", F_OK);
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fcntl(fd, F_GETFD);
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  dup2(copy, 20);
  dup3(20, 21, O_CLOEXEC);
  close(21);
  close(20);
  close(copy);
  int avail = 0;
  ioctl(fd, FIONREAD, &avail);
  ioctl(fd, TCGETS, buf);
  flock(fd, LOCK_EX | LOCK_NB);
  flock(fd, LOCK_UN);
  ftruncate(fd, 6);
  fsync(fd);
  close(fd);
  symlink("data", "dir/link");
  char target[64];
  readlink("dir/link", target, sizeof target);
  rename("dir/link", "dir/link2");
  chmod("dir/data", 0600);
  DIR *d = opendir("dir");
  int entries = 0;
  while (readdir(d)) entries++;
  closedir(d);
  int p[2];
  pipe2(p, O_CLOEXEC | O_NONBLOCK);
  write(p[1], "x", 1);
  read(p[0], buf, 8);
  read(p[0], buf, 8);
  close(p[0]);
  close(p[1]);
  unlink("dir/link2");
  unlinkat(AT_FDCWD, "dir/data", 0);
  unlinkat(AT_FDCWD, "dir", AT_REMOVEDIR);
  umask(022);
  printf("read %zd, %d entries, avail %d\n", n, entries, avail);
  return 0;
}
