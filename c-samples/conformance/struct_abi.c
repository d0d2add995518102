/* Structures passed and returned by value on i386: small structs of 1, 2,
 * 3, 4, 8 and 12 bytes, structs holding floats, doubles and long doubles,
 * large structs returned through the hidden pointer, arrays inside structs,
 * unions, packed and aligned layouts (offsetof, sizeof), and calls through
 * function pointers and variadic functions with struct arguments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct s1 { char c; };
struct s2 { short s; };
struct s3 { char a, b, c; };
struct s4 { int i; };
struct s8 { int a; float b; };
struct s12 { int a, b, c; };
struct sd { double d; };
struct sld { long double x; char tag; };
struct big { int v[20]; char name[16]; double avg; };
struct point { double x, y; };
union number { int i; float f; unsigned char bytes[4]; };
struct __attribute__((packed)) packed { char c; int i; short s; long long ll; };
struct aligned { char c; int __attribute__((aligned(16))) i; char d; };
struct mixed { char c; double d; short s; long long ll; char tail; };

static struct s1 __attribute__((noinline)) make1(char c) { return (struct s1){c}; }
static struct s2 __attribute__((noinline)) make2(short s) { return (struct s2){s}; }
static struct s3 __attribute__((noinline)) make3(char a) { return (struct s3){a, (char)(a + 1), (char)(a + 2)}; }
static struct s4 __attribute__((noinline)) make4(int i) { return (struct s4){i * 3}; }
static struct s8 __attribute__((noinline)) make8(int a, float b) { return (struct s8){a, b * 2}; }
static struct s12 __attribute__((noinline)) make12(struct s12 in)
{
    return (struct s12){in.c, in.b, in.a};
}
static struct sd __attribute__((noinline)) make_sd(double d) { return (struct sd){d / 3}; }
static struct sld __attribute__((noinline)) make_sld(long double x) { return (struct sld){x * x, 'L'}; }

static struct big __attribute__((noinline)) make_big(int seed)
{
    struct big b;
    long sum = 0;
    for (int i = 0; i < 20; i++) {
        b.v[i] = seed * i - i * i;
        sum += b.v[i];
    }
    snprintf(b.name, sizeof b.name, "big-%d", seed);
    b.avg = sum / 20.0;
    return b;
}

static struct point __attribute__((noinline)) midpoint(struct point a, struct point b)
{
    return (struct point){(a.x + b.x) / 2, (a.y + b.y) / 2};
}

static double __attribute__((noinline)) sum_big(struct big b, int scale, struct s3 extra)
{
    double s = 0;
    for (int i = 0; i < 20; i++)
        s += b.v[i];
    return s * scale + extra.a + extra.b + extra.c + b.avg;
}

static union number __attribute__((noinline)) flip(union number n)
{
    union number r;
    for (int i = 0; i < 4; i++)
        r.bytes[i] = n.bytes[3 - i];
    return r;
}

static double varsum(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    double total = 0;
    for (int i = 0; i < n; i++) {
        struct point p = va_arg(ap, struct point);
        struct s3 t = va_arg(ap, struct s3);
        total += p.x * p.y + t.a + t.b + t.c;
    }
    va_end(ap);
    return total;
}

int main(void)
{
    struct s1 a = make1('z');
    struct s2 b = make2(-1234);
    struct s3 c = make3('a');
    struct s4 d = make4(0x1234567);
    struct s8 e = make8(-5, 1.25f);
    struct s12 f = make12((struct s12){1, 2, 3});
    struct sd g = make_sd(10.0);
    struct sld h = make_sld(1.5L);
    printf("s1 %c s2 %d s3 %c%c%c s4 %#x s8 %d %.2f s12 %d %d %d sd %.17g sld %.5Lf %c\n", a.c, b.s, c.a, c.b, c.c,
           d.i, e.a, e.b, f.a, f.b, f.c, g.d, h.x, h.tag);
    printf("sizes: s1 %zu s2 %zu s3 %zu s4 %zu s8 %zu s12 %zu sd %zu sld %zu big %zu\n", sizeof a, sizeof b, sizeof c,
           sizeof d, sizeof e, sizeof f, sizeof g, sizeof h, sizeof(struct big));

    struct big bg = make_big(7);
    printf("big: %s avg %.3f v[19] %d sum_big %.3f\n", bg.name, bg.avg, bg.v[19], sum_big(bg, 3, make3('0')));
    struct big copies[3];
    for (int i = 0; i < 3; i++)
        copies[i] = make_big(i * 100);
    printf("copies: %s %s %s v[5] %d %d %d\n", copies[0].name, copies[1].name, copies[2].name, copies[0].v[5],
           copies[1].v[5], copies[2].v[5]);

    struct point (*mid)(struct point, struct point) = midpoint;
    struct point m = mid((struct point){1.5, -2}, (struct point){4, 8.25});
    printf("midpoint %.4f %.4f\n", m.x, m.y);
    union number n = {.f = 1.0f};
    union number r = flip(n);
    printf("union float 1.0 bytes %02x %02x %02x %02x, flipped int %#x\n", n.bytes[0], n.bytes[1], n.bytes[2],
           n.bytes[3], r.i);
    printf("varsum %.3f\n", varsum(3, (struct point){1, 2}, make3(1), (struct point){3, 4}, make3(2),
                                   (struct point){0.5, 0.5}, make3(3)));

    printf("packed: size %zu offsets c %zu i %zu s %zu ll %zu\n", sizeof(struct packed), offsetof(struct packed, c),
           offsetof(struct packed, i), offsetof(struct packed, s), offsetof(struct packed, ll));
    printf("aligned: size %zu align %zu offsets i %zu d %zu\n", sizeof(struct aligned), _Alignof(struct aligned),
           offsetof(struct aligned, i), offsetof(struct aligned, d));
    printf("mixed (i386 aligns double and long long to 4 inside structs): size %zu offsets d %zu s %zu ll %zu tail %zu"
           " alignof double %zu long long %zu\n",
           sizeof(struct mixed), offsetof(struct mixed, d), offsetof(struct mixed, s), offsetof(struct mixed, ll),
           offsetof(struct mixed, tail), _Alignof(double), _Alignof(long long));
    struct packed p = {'x', 0x11223344, 0x5566, 0x778899aabbccddeeLL};
    unsigned char raw[sizeof p];
    memcpy(raw, &p, sizeof p);
    printf("packed bytes:");
    for (size_t i = 0; i < sizeof raw; i++)
        printf(" %02x", raw[i]);
    printf("\n");
    struct s12 arr[4] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}};
    struct s12 total = {0, 0, 0};
    for (int i = 0; i < 4; i++) {
        struct s12 t = make12(arr[i]);
        total.a += t.a;
        total.b += t.b * 10;
        total.c += t.c * 100;
    }
    printf("array of structs: %d %d %d\n", total.a, total.b, total.c);
    return 0;
}
