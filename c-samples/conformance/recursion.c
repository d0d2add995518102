/* Deep recursion: 100000 nested calls (a few MB of stack), Ackermann's
 * function, mutual recursion, recursion with large frames and a recursive
 * flood fill, all with results that depend on every frame. */
#include <stdio.h>
#include <string.h>

static unsigned long __attribute__((noinline)) chain(unsigned n, unsigned long acc)
{
    if (n == 0)
        return acc;
    /* not a tail call: the multiply happens after the return */
    return chain(n - 1, acc + n) * 3 + (n & 7);
}

static unsigned ack(unsigned m, unsigned n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static int is_odd(unsigned n);
static int __attribute__((noinline)) is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int __attribute__((noinline)) is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static unsigned __attribute__((noinline)) big_frames(unsigned n)
{
    volatile unsigned char frame[2048];
    for (unsigned i = 0; i < sizeof frame; i += 64)
        frame[i] = (unsigned char)(n + i);
    if (n == 0)
        return frame[64];
    unsigned below = big_frames(n - 1);
    unsigned sum = 0;
    for (unsigned i = 0; i < sizeof frame; i += 64)
        sum += frame[i];
    return below * 31 + sum;
}

#define W 300
#define H 300
static char grid[H][W];

static int fill(int x, int y)
{
    if (x < 0 || y < 0 || x >= W || y >= H || grid[y][x] != '.')
        return 0;
    grid[y][x] = '#';
    return 1 + fill(x + 1, y) + fill(x - 1, y) + fill(x, y + 1) + fill(x, y - 1);
}

static unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void)
{
    printf("chain(100000) = %lu\n", chain(100000, 0));
    printf("chain(1000) = %lu\n", chain(1000, 7));
    for (unsigned m = 0; m <= 3; m++)
        for (unsigned n = 0; n <= 6; n++)
            printf("ack(%u,%u)=%u%c", m, n, ack(m, n), n == 6 ? '\n' : ' ');
    printf("ack(3,8)=%u\n", ack(3, 8));
    printf("is_even(100001)=%d is_odd(77777)=%d\n", is_even(100001), is_odd(77777));
    printf("big_frames(1500) = %u\n", big_frames(1500));
    memset(grid, '.', sizeof grid);
    for (int i = 0; i < W; i++)
        grid[i % H][(i * 7) % W] = 'x';
    for (int y = 50; y < 250; y++)
        grid[y][150] = 'x';
    printf("flood fill reached %d cells\n", fill(2, 1));
    printf("fib(27) = %lu\n", fib(27));
    return 0;
}
