// BACKPROP_CLONES: compile a loop for x86-64-v4, x86-64-v3 and the baseline and pick the best for the CPU when
// the addon loads (GCC target_clones, an ifunc); nothing elsewhere. The files using it are built without FMA
// contraction, so every clone does the same IEEE operations and gives the same bits.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define BACKPROP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define BACKPROP_CLONES
#endif
