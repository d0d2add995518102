/* Command-line parsing with getopt and getopt_long from the arguments in
 * getopt_args.args: short options with and without arguments, clustered
 * flags, optional arguments, long options with = and separate values,
 * abbreviations, unknown options and missing arguments (with the messages
 * getopt prints on stderr), "--" and permutation of non-options. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int verbose = 0, flag_a = 0, flag_b = 0, level = 0;
    const char *output = "-", *config = NULL, *mode = NULL;
    static int long_only_flag;
    static const struct option longopts[] = {
        {"verbose", no_argument, NULL, 'v'},
        {"output", required_argument, NULL, 'o'},
        {"level", optional_argument, NULL, 'l'},
        {"config", required_argument, NULL, 'C'},
        {"mode", required_argument, NULL, 1000},
        {"set-flag", no_argument, &long_only_flag, 42},
        {"count", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    long count = 0;
    int index, c;
    while ((c = getopt_long(argc, argv, "abvo:l::C:c:", longopts, &index)) != -1) {
        switch (c) {
        case 'a': flag_a++; printf("option -a\n"); break;
        case 'b': flag_b++; printf("option -b\n"); break;
        case 'v': verbose++; printf("verbose now %d\n", verbose); break;
        case 'o': output = optarg; printf("output = %s\n", optarg); break;
        case 'l': level = optarg ? atoi(optarg) : 1; printf("level = %d (%s)\n", level, optarg ? optarg : "no argument"); break;
        case 'C': config = optarg; printf("config = %s\n", optarg); break;
        case 'c': {
            char *end;
            count = strtol(optarg, &end, 10);
            printf("count = %ld%s\n", count, *end ? " (trailing junk)" : "");
            break;
        }
        case 1000: mode = optarg; printf("long-only --mode = %s (index %d)\n", optarg, index); break;
        case 0: printf("flag option --%s set the flag to %d\n", longopts[index].name, long_only_flag); break;
        case '?': printf("getopt returned '?' (optopt '%c' = %d)\n", optopt ? optopt : ' ', optopt); break;
        case ':': printf("missing argument\n"); break;
        default: printf("unexpected %d\n", c);
        }
    }
    printf("optind = %d of argc %d\n", optind, argc);
    for (int i = optind; i < argc; i++)
        printf("operand: \"%s\"\n", argv[i]);
    printf("final: a=%d b=%d verbose=%d output=%s level=%d config=%s mode=%s count=%ld flag=%d\n", flag_a, flag_b,
           verbose, output, level, config ? config : "(none)", mode ? mode : "(none)", count, long_only_flag);

    /* a second, POSIX-style pass over a fixed vector, after resetting getopt */
    char *vec[] = {"prog", "-ab", "-o", "file", "first", "-v", NULL};
    optind = 1;
    int n = 0;
    while ((c = getopt(6, vec, "+abo:v")) != -1)
        printf("posix pass option %c%s%s\n", c, optarg && c == 'o' ? " " : "", optarg && c == 'o' ? optarg : "");
    n = optind;
    printf("posix pass stops at \"%s\" (optind %d)\n", vec[n], n);

    /* a leading ':' reports a missing argument as ':' and prints nothing */
    char *missing[] = {"prog", "-v", "-o", NULL};
    optind = 1;
    while ((c = getopt(3, missing, ":vo:")) != -1)
        printf("quiet pass returned '%c' optopt %d\n", c, optopt);
    optind = 1;
    while ((c = getopt(3, missing, "vo:")) != -1)
        printf("noisy pass returned '%c'\n", c);
    return 0;
}
