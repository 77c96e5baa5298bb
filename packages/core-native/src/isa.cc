// The addon's entry point and its CPU check. This file is compiled without the class's -march (CMakeLists.txt)
// and uses only C functions (Node-API, libc, GCC's CPU builtins): no inline C++ code that the linker could share
// with an object compiled for a higher class. It runs before any class-specific code: the addon has no static
// initialisers of its own, and Node calls this function first.
#include "isa.h"

#include <cstdio>
#include <cstring>

#ifndef BACKPROP_ISA_CLASS
#error "BACKPROP_ISA_CLASS (the addon's CPU class) is set by CMakeLists.txt"
#endif

namespace backprop {

const char* addonIsa() { return BACKPROP_ISA_CLASS; }

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
// GCC 12's builtins check every feature of the class, including the OS's support for the wide registers.
const char* cpuIsa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) return "x86-64-v4";
  if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3";
  return "x86-64";
}
#else
const char* cpuIsa() { return BACKPROP_ISA_CLASS; }
#endif

namespace {

// Classes in increasing order; a CPU runs its best class and every class below it.
int rank(const char* isa) {
  if (std::strcmp(isa, "x86-64-v4") == 0) return 2;
  if (std::strcmp(isa, "x86-64-v3") == 0) return 1;
  return 0;
}

// isa() -> { addon, cpu }: the class of this addon and the CPU's best class.
napi_value Isa(napi_env env, napi_callback_info) {
  napi_value result, addon, cpu;
  if (napi_create_object(env, &result) != napi_ok ||
      napi_create_string_utf8(env, addonIsa(), NAPI_AUTO_LENGTH, &addon) != napi_ok ||
      napi_create_string_utf8(env, cpuIsa(), NAPI_AUTO_LENGTH, &cpu) != napi_ok ||
      napi_set_named_property(env, result, "addon", addon) != napi_ok ||
      napi_set_named_property(env, result, "cpu", cpu) != napi_ok) {
    return nullptr;  // a JS exception is pending
  }
  return result;
}

}  // namespace

}  // namespace backprop

NAPI_MODULE_INIT() {
  const char* addon = backprop::addonIsa();
  const char* cpu = backprop::cpuIsa();
  if (backprop::rank(addon) > backprop::rank(cpu)) {
    static char message[256];
    std::snprintf(message, sizeof message, "backprop_native_%s.node needs an %s CPU; this CPU's best class is %s",
                  addon, addon, cpu);
    napi_throw_error(env, "ERR_ISA_UNSUPPORTED", message);
    return nullptr;
  }
  napi_value registered = backprop::registerExports(env, exports), isa;
  if (registered == nullptr || napi_create_function(env, "isa", NAPI_AUTO_LENGTH, backprop::Isa, nullptr, &isa) != napi_ok ||
      napi_set_named_property(env, registered, "isa", isa) != napi_ok) {
    return nullptr;
  }
  return registered;
}
