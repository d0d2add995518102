/* Calendar time conversions with TZ set for the run (UTC) and then changed
 * from inside the program to POSIX rule strings: gmtime_r, localtime_r,
 * mktime (including normalisation of out-of-range fields and DST), timegm,
 * strftime with most conversions, asctime_r, difftime and strptime. Only
 * fixed timestamps are used: nothing depends on the current time. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const time_t stamps[] = {0, 1, 86399, 86400, 951782400 /* 2000-02-29 */, 1000000000, 1234567890,
                                1700000000, 2147483647, -1, -86400 * 365, 1710054000, 1730595600};
#define NSTAMPS (sizeof stamps / sizeof stamps[0])

static void show_tm(const char *label, const struct tm *t)
{
    printf("%s %04d-%02d-%02d %02d:%02d:%02d wday %d yday %d isdst %d gmtoff %ld zone %s\n", label,
           t->tm_year + 1900, t->tm_mon + 1, t->tm_mday, t->tm_hour, t->tm_min, t->tm_sec, t->tm_wday, t->tm_yday,
           t->tm_isdst, t->tm_gmtoff, t->tm_zone);
}

static void formats(const struct tm *t)
{
    static const char *fmts[] = {"%Y-%m-%d %H:%M:%S", "%a %A %b %B %c", "%C %d %D %e %F %g %G %h",
                                 "%I %j %k %l %m %M %n%p %r %R %s?", "%T %u %U %V %w %W %x %X %y %z %Z %%",
                                 "[%10Y] [%-d] [%_m] [%^a] [%#B]"};
    for (unsigned i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        char buf[200];
        size_t n = strftime(buf, sizeof buf, fmts[i], t);
        /* %s depends on TZ too, keep it: the zone is fixed for the run */
        printf("  strftime(\"%s\") = %zu \"%s\"\n", fmts[i], n, buf);
    }
    char tiny[5];
    printf("  strftime into 5 bytes: %zu\n", strftime(tiny, sizeof tiny, "%Y-%m-%d", t));
}

static void zone(const char *tz)
{
    if (tz)
        setenv("TZ", tz, 1);
    tzset();
    printf("== TZ=%s tzname %s/%s timezone %ld daylight %d\n", getenv("TZ"), tzname[0], tzname[1], timezone, daylight);
    for (unsigned i = 0; i < NSTAMPS; i++) {
        struct tm g, l;
        gmtime_r(&stamps[i], &g);
        localtime_r(&stamps[i], &l);
        printf("t=%ld\n", (long)stamps[i]);
        show_tm("  gmtime   ", &g);
        show_tm("  localtime", &l);
        struct tm copy = l;
        time_t back = mktime(&copy);
        printf("  mktime(localtime) = %ld, timegm(gmtime) = %ld\n", (long)back, (long)timegm(&g));
        if (i % 4 == 0)
            formats(&l);
    }
}

static void normalise(void)
{
    struct tm t;
    memset(&t, 0, sizeof t);
    t.tm_year = 123;
    t.tm_mon = 13;    /* February next year */
    t.tm_mday = 31;   /* ... which overflows into March */
    t.tm_hour = 25;
    t.tm_min = -30;
    t.tm_sec = 3661;
    t.tm_isdst = -1;
    time_t v = mktime(&t);
    show_tm("normalised", &t);
    printf("  = %ld\n", (long)v);
    memset(&t, 0, sizeof t);
    t.tm_year = 124;
    t.tm_mon = 2;
    t.tm_mday = 10;
    t.tm_hour = 2;
    t.tm_min = 30;     /* inside the spring-forward gap in US zones */
    t.tm_isdst = -1;
    v = mktime(&t);
    show_tm("gap", &t);
    printf("  = %ld\n", (long)v);
}

static void parsing(void)
{
    static const char *inputs[] = {"2024-02-29 13:45:07", "1999-12-31 23:59:60", "1970-01-01 00:00:00"};
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        struct tm t;
        memset(&t, 0, sizeof t);
        const char *end = strptime(inputs[i], "%Y-%m-%d %H:%M:%S", &t);
        printf("strptime(\"%s\") rest \"%s\" -> timegm %ld yday %d\n", inputs[i], end ? end : "(null)", (long)timegm(&t), t.tm_yday);
    }
    struct tm t;
    memset(&t, 0, sizeof t);
    const char *end = strptime("Tue, 05 Nov 2024 08:09:10 GMT", "%a, %d %b %Y %H:%M:%S", &t);
    printf("http date -> %04d-%02d-%02d %02d:%02d:%02d wday %d rest \"%s\"\n", t.tm_year + 1900, t.tm_mon + 1,
           t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, t.tm_wday, end);
}

int main(void)
{
    zone(NULL);
    zone("EST5EDT,M3.2.0,M11.1.0");
    zone("<+0530>-5:30");
    zone("CET-1CEST,M3.5.0,M10.5.0/3");
    normalise();
    setenv("TZ", "UTC0", 1);
    tzset();
    parsing();
    char buf[32];
    struct tm t;
    time_t when = 1234567890;
    gmtime_r(&when, &t);
    printf("asctime_r: %s", asctime_r(&t, buf));
    printf("difftime: %.1f %.1f\n", difftime(stamps[7], stamps[6]), difftime(stamps[0], stamps[12]));
    return 0;
}
