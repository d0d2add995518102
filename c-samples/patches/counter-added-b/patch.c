/*
 * Replaces score, a function that counter-added-a added: the copy in that
 * patch gets the jump, so its direct calls and its stored pointer reach this
 * version. Applied to the bare program it replaces nothing and is refused.
 */
typedef struct {
    int a;
    int b;
} t;

int score(t T)
{
    return T.a + 100 * T.b;
}
