// Built for plain x86-64 whatever CONFSIM_ARCH says (see app/CMakeLists.txt), and run before any
// other initialisation of the program, so that on a processor without the instructions the build
// assumed it can say so, instead of the program dying of an illegal instruction.
#include <cstdio>
#include <cstdlib>

#if defined(CONFSIM_ARCH_LEVEL) && (defined(__x86_64__) || defined(__i386__))
[[gnu::constructor(101)]] static void check_processor() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports(CONFSIM_ARCH_LEVEL)) return;
  std::fprintf(stderr,
               "confsim: this build is for %s processors and this processor lacks some of their instructions. "
               "Rebuild with cmake -DCONFSIM_ARCH=x86-64-v2 (or -DCONFSIM_ARCH= for any x86-64): the results are "
               "the same bits, only slower.\n",
               CONFSIM_ARCH_LEVEL);
  std::_Exit(1);
}
#endif
