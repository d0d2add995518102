/* Function pointers and callbacks: a dispatch table of operations, a small
 * stack-machine interpreter driven by it, qsort with several comparators,
 * callbacks carrying a context pointer, and variadic functions (va_list,
 * va_copy, forwarding to vprintf, mixed int/double/long long/pointer args). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef long (*binop)(long, long);
static long add(long a, long b) { return a + b; }
static long sub(long a, long b) { return a - b; }
static long mul(long a, long b) { return a * b; }
static long divide(long a, long b) { return b ? a / b : 0; }
static long mod(long a, long b) { return b ? a % b : 0; }
static long maxop(long a, long b) { return a > b ? a : b; }

static const struct {
    char sym;
    const char *name;
    binop fn;
} ops[] = {{'+', "add", add}, {'-', "sub", sub}, {'*', "mul", mul}, {'/', "div", divide}, {'%', "mod", mod}, {'M', "max", maxop}};

static binop lookup(char sym)
{
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].sym == sym)
            return ops[i].fn;
    return NULL;
}

/* evaluates a reverse-Polish expression of single digits and operators */
static long rpn(const char *expr)
{
    long stack[32];
    int sp = 0;
    for (; *expr; expr++) {
        if (*expr >= '0' && *expr <= '9')
            stack[sp++] = *expr - '0';
        else if (*expr != ' ') {
            binop f = lookup(*expr);
            long b = stack[--sp], a = stack[--sp];
            stack[sp++] = f(a, b);
        }
    }
    return stack[0];
}

struct person {
    char name[12];
    int age;
    double score;
};

static int by_age(const void *a, const void *b)
{
    const struct person *x = a, *y = b;
    return (x->age > y->age) - (x->age < y->age);
}
static int by_name(const void *a, const void *b) { return strcmp(((const struct person *)a)->name, ((const struct person *)b)->name); }
static int by_score_desc(const void *a, const void *b)
{
    double x = ((const struct person *)a)->score, y = ((const struct person *)b)->score;
    return (x < y) - (x > y);
}

static void show(const char *title, struct person *p, int n, int (*cmp)(const void *, const void *))
{
    qsort(p, n, sizeof *p, cmp);
    printf("%s:", title);
    for (int i = 0; i < n; i++)
        printf(" %s/%d/%.1f", p[i].name, p[i].age, p[i].score);
    printf("\n");
}

typedef void (*visitor)(int value, void *ctx);
static void for_each(const int *v, int n, visitor fn, void *ctx)
{
    for (int i = 0; i < n; i++)
        fn(v[i], ctx);
}
struct stats {
    long sum;
    int min, max, count;
};
static void collect(int value, void *ctx)
{
    struct stats *s = ctx;
    s->sum += value;
    if (s->count == 0 || value < s->min)
        s->min = value;
    if (s->count == 0 || value > s->max)
        s->max = value;
    s->count++;
}
static void histogram(int value, void *ctx) { ((int *)ctx)[(value % 5 + 5) % 5]++; }

/* format: i = int, d = double, L = long long, s = string, c = char */
static double sum_variadic(const char *fmt, ...)
{
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    double total = 0;
    for (const char *f = fmt; *f; f++) {
        switch (*f) {
        case 'i': total += va_arg(ap, int); break;
        case 'd': total += va_arg(ap, double); break;
        case 'L': total += (double)va_arg(ap, long long); break;
        case 's': total += strlen(va_arg(ap, const char *)); break;
        case 'c': total += va_arg(ap, int); break;
        }
    }
    va_end(ap);
    printf("  first argument again: ");
    switch (*fmt) {
    case 'i': case 'c': printf("%d\n", va_arg(copy, int)); break;
    case 'd': printf("%g\n", va_arg(copy, double)); break;
    case 'L': printf("%lld\n", va_arg(copy, long long)); break;
    case 's': printf("%s\n", va_arg(copy, const char *)); break;
    }
    va_end(copy);
    return total;
}

static int logf_count;
static int __attribute__((format(printf, 2, 3))) log_line(const char *level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = printf("[%s #%d] ", level, ++logf_count);
    n += vprintf(fmt, ap);
    va_end(ap);
    n += printf("\n");
    return n;
}

int main(void)
{
    static const char *exprs[] = {"34+", "93-2*", "82/3%", "123**4+", "57M9M2*", "98-7-6-", "99*9*9*9*7/"};
    for (unsigned i = 0; i < sizeof exprs / sizeof exprs[0]; i++)
        printf("rpn \"%s\" = %ld\n", exprs[i], rpn(exprs[i]));
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        printf("%s(-17, 5) = %ld\n", ops[i].name, ops[i].fn(-17, 5));

    struct person people[] = {{"mallory", 41, 3.5}, {"alice", 30, 9.25}, {"bob", 25, 7.0}, {"eve", 35, 8.5},
                              {"carol", 28, 6.75}, {"dave", 52, 1.0}, {"trent", 19, 9.75}, {"peggy", 44, 5.5}};
    int n = sizeof people / sizeof people[0];
    show("by age", people, n, by_age);
    show("by name", people, n, by_name);
    show("by score", people, n, by_score_desc);

    int values[100];
    for (int i = 0; i < 100; i++)
        values[i] = (i * 37 + 11) % 101 - 50;
    struct stats st = {0, 0, 0, 0};
    int hist[5] = {0};
    for_each(values, 100, collect, &st);
    for_each(values, 100, histogram, hist);
    printf("stats: count %d sum %ld min %d max %d\n", st.count, st.sum, st.min, st.max);
    printf("histogram: %d %d %d %d %d\n", hist[0], hist[1], hist[2], hist[3], hist[4]);

    printf("variadic total %.3f\n", sum_variadic("idLsc", 5, 2.25, 10000000000LL, "hello", 'A'));
    printf("variadic total %.3f\n", sum_variadic("dddddddd", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.5));
    printf("variadic total %.3f\n", sum_variadic("LiLi", -1LL, 2, -3000000000LL, 4));
    printf("variadic total %.3f\n", sum_variadic("s", "only a string"));
    int written = log_line("info", "%d items, %s, %.2f%%", 42, "done", 99.5);
    log_line("warn", "wrote %d bytes", written);

    long (*volatile indirect)(long, long) = mul;
    printf("through a volatile pointer: %ld\n", indirect(123456, 789));
    return 0;
}
