#include <stdlib.h>

struct node {
    int value;
    struct node *next;
};

static struct node *head;

int compute_a(int x)
{
    struct node *n = malloc(sizeof *n);

    if (n == NULL)
        return -1;
    n->value = x;
    n->next = head;
    head = n;
    return x;
}

int compute_b(int x)
{
    int sum = 0;

    for (struct node *n = head; n != NULL; n = n->next)
        sum += n->value;
    return sum - x;
}

int compute_c(int x)
{
    int count = 0;

    for (struct node *n = head; n != NULL; n = n->next)
        count++;
    return count + x;
}
