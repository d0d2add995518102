/* Linked after basic.so: binds to its exports. */
extern int patch_data;
int patch_add(int a, int b);

int *second_ptr = &patch_data;

int second_value(void) { return patch_add(patch_data, 1); }
