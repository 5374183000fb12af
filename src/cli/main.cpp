#include <cstdio>
int main() { std::puts("stack"); return 0; }
