#include <stdio.h>

int main(void) {
  puts("Hello from a Perestroika build.");
  return 0;
}
