/* Reading and writing files with every flavour of I/O: read/write, readv/
 * writev, pread/pwrite, preadv/pwritev, lseek (holes included), O_APPEND,
 * O_TRUNC, O_EXCL, ftruncate, stdio, mmap of a file, sendfile and
 * copy_file_range. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define SHOW(label, expr) do { long r_ = (long)(expr); \
    if (r_ < 0) printf("%s: -1 %s\n", label, strerror(errno)); else printf("%s: %ld\n", label, r_); } while (0)

static void dump(const char *path)
{
    char buf[256];
    int fd = open(path, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    for (ssize_t i = 0; i < n; i++) if (buf[i] == 0) buf[i] = '.';
    printf("%s = [%s] (%zd bytes)\n", path, buf, n);
    close(fd);
}

int main(void)
{
    int fd = open("data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    SHOW("write", write(fd, "hello world\n", 12));
    SHOW("lseek cur", lseek(fd, 0, SEEK_CUR));
    SHOW("lseek set", lseek(fd, 6, SEEK_SET));
    char buf[64] = {0};
    SHOW("read", read(fd, buf, 5));
    printf("read got [%s]\n", buf);
    SHOW("lseek end", lseek(fd, 0, SEEK_END));
    SHOW("lseek neg", lseek(fd, -100, SEEK_SET));
    SHOW("lseek whence", lseek(fd, 0, 42));

    struct iovec wv[3] = { { "abc", 3 }, { "", 0 }, { "defgh\n", 6 } };
    SHOW("writev", writev(fd, wv, 3));
    char a[4] = {0}, b[16] = {0};
    struct iovec rv[2] = { { a, 3 }, { b, 15 } };
    lseek(fd, 0, SEEK_SET);
    SHOW("readv", readv(fd, rv, 2));
    printf("readv got [%s] [%s]\n", a, b);

    SHOW("pwrite", pwrite(fd, "WORLD", 5, 6));
    memset(buf, 0, sizeof buf);
    SHOW("pread", pread(fd, buf, 11, 0));
    printf("pread got [%s]\n", buf);
    SHOW("offset unchanged", lseek(fd, 0, SEEK_CUR));
    struct iovec pv[2] = { { "<<", 2 }, { ">>", 2 } };
    SHOW("pwritev", pwritev(fd, pv, 2, 0));
    char c[3] = {0}, d[3] = {0};
    struct iovec qv[2] = { { c, 2 }, { d, 2 } };
    SHOW("preadv", preadv(fd, qv, 2, 0));
    printf("preadv got [%s] [%s]\n", c, d);
    SHOW("pread past end", pread(fd, buf, 10, 1000));
    SHOW("pread negative", pread(fd, buf, 10, -1));

    /* a hole: seek past the end and write */
    SHOW("lseek hole", lseek(fd, 40, SEEK_SET));
    SHOW("write after hole", write(fd, "X", 1));
    struct stat st;
    fstat(fd, &st);
    printf("size with hole: %lld\n", (long long)st.st_size);
    SHOW("ftruncate", ftruncate(fd, 12));
    fstat(fd, &st);
    printf("size after ftruncate: %lld\n", (long long)st.st_size);
    SHOW("ftruncate grow", ftruncate(fd, 16));
    close(fd);
    dump("data.txt");

    /* O_APPEND: every write goes to the end, whatever the offset */
    fd = open("data.txt", O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    SHOW("append write", write(fd, "tail", 4));
    SHOW("append offset", lseek(fd, 0, SEEK_CUR));
    SHOW("append pwrite", pwrite(fd, "!", 1, 0));
    SHOW("read on O_WRONLY", read(fd, buf, 1));
    close(fd);
    dump("data.txt");

    fd = open("data.txt", O_RDONLY);
    SHOW("write on O_RDONLY", write(fd, "x", 1));
    SHOW("ftruncate on O_RDONLY", ftruncate(fd, 0));
    close(fd);
    SHOW("read closed fd", read(fd, buf, 1));
    SHOW("O_EXCL existing", open("data.txt", O_WRONLY | O_CREAT | O_EXCL, 0600));
    SHOW("open missing", open("missing.txt", O_RDONLY));
    SHOW("open dir for writing", open(".", O_WRONLY));
    SHOW("O_DIRECTORY on file", open("data.txt", O_RDONLY | O_DIRECTORY));
    fd = open("data.txt", O_WRONLY | O_TRUNC);
    fstat(fd, &st);
    printf("size after O_TRUNC: %lld\n", (long long)st.st_size);
    close(fd);

    /* stdio on top */
    FILE *f = fopen("lines.txt", "w+");
    for (int i = 0; i < 5; i++) fprintf(f, "line %d: %s\n", i, i % 2 ? "odd" : "even");
    printf("ftell: %ld\n", ftell(f));
    rewind(f);
    char line[64];
    while (fgets(line, sizeof line, f)) fputs(line, stdout);
    fseek(f, 8, SEEK_SET);
    printf("fgetc at 8: %c\n", fgetc(f));
    fclose(f);
    f = fopen("lines.txt", "a");
    fputs("appended\n", f);
    fclose(f);
    f = fopen("lines.txt", "r");
    size_t total = 0;
    while (fread(line, 1, 7, f) > 0) total++;
    printf("fread chunks: %zu\n", total);
    fclose(f);

    /* mmap: private copies and shared writes that reach the file */
    fd = open("lines.txt", O_RDWR);
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    printf("mmap private: %.6s, byte past eof: %d\n", p, p[200]);
    p[0] = 'L';
    munmap(p, 4096);
    char *s = mmap(NULL, 16, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(s, "LINE", 4);
    msync(s, 16, MS_SYNC);
    munmap(s, 16);
    close(fd);
    dump("lines.txt");

    /* space and advice */
    fd = open("space.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
    SHOW("fallocate", fallocate(fd, 0, 0, 8192));
    fstat(fd, &st);
    printf("size after fallocate: %lld\n", (long long)st.st_size);
    SHOW("fallocate keep size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192, 4096));
    fstat(fd, &st);
    printf("size after keep-size: %lld\n", (long long)st.st_size);
    SHOW("fallocate bad length", fallocate(fd, 0, 0, 0));
    printf("posix_fadvise: %s\n", strerror(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)));
    printf("posix_fadvise bad advice: %s\n", strerror(posix_fadvise(fd, 0, 0, 99)));
    SHOW("fsync", fsync(fd));
    SHOW("fdatasync", fdatasync(fd));
    close(fd);
    int pp[2];
    pipe(pp);
    SHOW("fsync on a pipe", fsync(pp[0]));
    printf("posix_fadvise on a pipe: %s\n", strerror(posix_fadvise(pp[0], 0, 0, POSIX_FADV_NORMAL)));
    close(pp[0]);
    close(pp[1]);

    /* in-kernel copies */
    int in = open("lines.txt", O_RDONLY);
    int out = open("copy.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    off_t off = 5;
    SHOW("sendfile", sendfile(out, in, &off, 10));
    printf("sendfile offset now %ld, file offset %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
    SHOW("sendfile own offset", sendfile(out, in, NULL, 4));
    SHOW("in offset", lseek(in, 0, SEEK_CUR));
    loff_t from = 0, to = 14;
    SHOW("copy_file_range", copy_file_range(in, &from, out, &to, 6, 0));
    printf("copy offsets %lld %lld\n", (long long)from, (long long)to);
    close(in);
    close(out);
    dump("copy.txt");
    return 0;
}
