#ifndef COUNTER_H
#define COUNTER_H
/* Handles one input line; returns what f computed. */
int handle(const char *line);
/* How many times f has run. */
long long calls(void);
#endif
