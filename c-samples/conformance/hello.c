/* The smallest check: formatted output, arguments and the exit status. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from %d argument(s)\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    return 3;
}
