/* Another version of score, alternating with counter-added-b in a stream. */
typedef struct {
    int a;
    int b;
} t;

int score(t T)
{
    return T.a * 1000 + T.b;
}
