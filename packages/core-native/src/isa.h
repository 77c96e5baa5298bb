// The CPU class of this addon (issue 19). The addon is built once per class from the same sources
// (backprop_native_<class>.node, see CMakeLists.txt); isa.cc, compiled for the baseline, is its entry point and
// refuses to register the exports on a CPU that cannot run the class, so a wrong file is a JS error, not SIGILL.
#pragma once

#include <node_api.h>

namespace backprop {

// The class this addon was compiled for: "x86-64-v4", "x86-64-v3", "x86-64" (or "baseline" off x86-64 / GCC).
const char* addonIsa();

// The best class the running CPU can run, in the same names.
const char* cpuIsa();

// Registers the addon's exports (addon.cc); called by the entry point only once the CPU check passed.
napi_value registerExports(napi_env env, napi_value exports);

}  // namespace backprop
