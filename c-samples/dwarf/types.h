struct point { int x, y; };
int other_count(void);
