/* A program built without _FILE_OFFSET_BITS=64 (32-bit off_t) opens files
 * without O_LARGEFILE, and the kernel holds it to 2 GiB - 1: writes are cut
 * there and fail with EFBIG from there on (also with O_APPEND), lseek past it
 * gives EOVERFLOW, and a larger file cannot be opened (EOVERFLOW) unless
 * O_LARGEFILE is asked for. The files are sparse. */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <sys/stat.h>
#include <string.h>
#define SHOW(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s = %ld (%s)\n", label, r_, r_ < 0 ? strerror(errno) : "ok"); } while (0)
int main(void) {
    int fd = open("big32.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    printf("sizeof off_t=%zu largefile flag=%d\n", sizeof(off_t), (fcntl(fd, F_GETFL) & O_LARGEFILE) != 0);
    SHOW("lseek 2G-10", lseek(fd, 2147483647L - 10, SEEK_SET));
    SHOW("write 20 at 2G-10", write(fd, "abcdefghijklmnopqrst", 20));
    SHOW("lseek cur", lseek(fd, 0, SEEK_CUR));
    SHOW("write at limit", write(fd, "x", 1));
    SHOW("pwrite at 2G-3", pwrite(fd, "0123456789", 10, 2147483647L - 3));
    struct stat st; SHOW("fstat", fstat(fd, &st)); printf("size=%ld\n", (long)st.st_size);
    close(fd);
    fd = open("big32.bin", O_WRONLY | O_APPEND);
    SHOW("append write", write(fd, "zz", 2));
    close(fd);
    fd = open("big32.bin", O_RDWR | O_LARGEFILE);
    SHOW("LFS pwrite beyond", pwrite(fd, "END", 3, 2147483647L));
    close(fd);
    SHOW("open big non-LFS", open("big32.bin", O_RDONLY));
    SHOW("open big O_LARGEFILE", open("big32.bin", O_RDONLY | O_LARGEFILE));
    FILE *f = fopen("big32.bin", "r"); printf("fopen big=%s (%s)\n", f ? "ok" : "NULL", strerror(errno));
    SHOW("stat big", stat("big32.bin", &st));
    unlink("big32.bin");
    return 0;
}
