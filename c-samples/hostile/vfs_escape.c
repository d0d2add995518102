/* Every way out of a --root the VFS must close, tried one after another.
 *   vfs_escape OUTSIDE_DIR MARKER
 * OUTSIDE_DIR is a host directory outside the guest's root holding a file
 * "secret" that contains MARKER. Each attempt prints "name: result", where
 * result is "LEAK" if the outside file was read or written, "ok" when the
 * call succeeded without leaving the root, or the error. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *marker;

static void report(const char *name, int fd) {
  char buf[256];
  if (fd < 0) { printf("%s: %s\n", name, strerror(errno)); return; }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n > 0) { buf[n] = 0; if (strstr(buf, marker)) { printf("%s: LEAK\n", name); return; } }
  printf("%s: ok\n", name);
}

static void result(const char *name, int r) {
  if (r < 0) printf("%s: %s\n", name, strerror(errno));
  else printf("%s: ok\n", name);
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  const char *out = argv[1];
  marker = argv[2];
  char p[1024];
  mkdir("/tmp", 0777);

  report("dotdot-at-root", open("/../../../../secret", O_RDONLY));
  snprintf(p, sizeof p, "/../../../../../../..%s/secret", out);
  report("dotdot-then-host-path", open(p, O_RDONLY));
  snprintf(p, sizeof p, "%s/secret", out);
  report("host-absolute-path", open(p, O_RDONLY));

  snprintf(p, sizeof p, "%s", out);
  symlink(p, "/tmp/abs");
  report("absolute-symlink", open("/tmp/abs/secret", O_RDONLY));
  snprintf(p, sizeof p, "../../../../../../../../..%s", out);
  symlink(p, "/tmp/rel");
  report("climbing-symlink", open("/tmp/rel/secret", O_RDONLY));
  result("create-through-symlink", open("/tmp/abs/created", O_CREAT | O_WRONLY, 0644));
  result("mkdir-through-symlink", mkdir("/tmp/rel/newdir", 0755));
  symlink("/tmp/abs/dangling-target", "/tmp/dangling");
  result("create-through-dangling-symlink", open("/tmp/dangling", O_CREAT | O_WRONLY, 0644));

  snprintf(p, sizeof p, "/proc/self/root/..%s/secret", out);
  report("proc-self-root", open(p, O_RDONLY));
  snprintf(p, sizeof p, "/proc/self/cwd/../../../..%s/secret", out);
  report("proc-self-cwd", open(p, O_RDONLY));
  report("proc-1-root", open("/proc/1/root/etc/hostname", O_RDONLY));
  report("proc-1-environ", open("/proc/1/environ", O_RDONLY));

  int dir = open("/tmp", O_PATH | O_DIRECTORY);
  snprintf(p, sizeof p, "../../../../..%s/secret", out);
  report("opath-dirfd-dotdot", openat(dir, p, O_RDONLY));
  snprintf(p, sizeof p, "/proc/self/fd/%d/../../../..%s/secret", dir, out);
  report("magic-link-dotdot", open(p, O_RDONLY));
  int file = open("/tmp/plain", O_CREAT | O_RDWR, 0644);
  report("file-as-dirfd", openat(file, "x", O_RDONLY));

  if (chdir("/tmp") == 0) {
    for (int i = 0; i < 12; i++) (void)!chdir("..");
    char cwd[256];
    printf("cwd-after-dotdots: %s\n", getcwd(cwd, sizeof cwd) ? cwd : strerror(errno));
    snprintf(p, sizeof p, ".%s/secret", out);
    report("relative-after-dotdots", open(p, O_RDONLY));
  }

  snprintf(p, sizeof p, "%s/secret", out);
  result("hardlink-outside-file", link(p, "/tmp/hl"));
  result("hardlink-readonly-file", link("/ro/file", "/tmp/hl2"));
  report("block-device", open("/dev/blk", O_RDONLY));
  report("mem-device", open("/dev/memdev", O_RDONLY));
  result("null-device-write", open("/dev/null", O_WRONLY));
  result("mknod-char-device", mknod("/tmp/mem", S_IFCHR | 0600, makedev(1, 1)));

  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  snprintf(a.sun_path, sizeof a.sun_path, "/tmp/abs/sock");
  result("bind-through-symlink", bind(s, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_un abs = { .sun_family = AF_UNIX };
  memcpy(abs.sun_path, "\0dsu-escape-test", 16);
  result("bind-abstract", bind(s, (struct sockaddr *)&abs, offsetof(struct sockaddr_un, sun_path) + 16));
  close(s);
  return 0;
}
