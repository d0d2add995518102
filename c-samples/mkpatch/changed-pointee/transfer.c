/* calc.c v1 -> v2: struct node gained `doubled`; every node is rebuilt. */
#include "dsu.h"

struct node_v1 {
    int value;
    struct node_v1 *next;
};

int dsu_transfer(void)
{
    struct node **link = &head;

    for (struct node_v1 *o = (struct node_v1 *)head; o != NULL;) {
        struct node_v1 *next = o->next;
        struct node *n = malloc(sizeof *n);

        if (n == NULL)
            return 1;
        n->value = o->value;
        n->doubled = 2 * o->value;
        n->next = NULL;
        *link = n;
        link = &n->next;
        free(o);
        o = next;
    }
    return 0;
}
