#pragma once

// The plugin ABI. Plugins talk to the core through C++ classes (optimizer,
// options, plugin_info, ...), so a plugin must be built with the same plugin
// ABI version and a compatible C++ standard library as the cellfit that loads
// it. Both are written into every plugin library and checked before any C++
// object crosses the boundary.
//
// Bump CELLFIT_ABI_VERSION whenever a class in sdk/include/cellfit changes
// layout or virtual functions.
#define CELLFIT_ABI_VERSION 3

#include <version>  // defines the standard library's identification macros

#define CELLFIT_ABI_STRINGIFY_(x) #x
#define CELLFIT_ABI_STRINGIFY(x) CELLFIT_ABI_STRINGIFY_(x)

#if defined(_LIBCPP_VERSION)
#define CELLFIT_ABI_STDLIB "libc++"
#elif defined(__GLIBCXX__)
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define CELLFIT_ABI_STDLIB "libstdc++-cxx11"
#else
#define CELLFIT_ABI_STDLIB "libstdc++-cxx98"
#endif
#else
#define CELLFIT_ABI_STDLIB "unknown-stdlib"
#endif

// The standard library and its ABI flavour; GCC and Clang on the same
// libstdc++ are compatible, so the compiler itself is not part of the tag.
#define CELLFIT_ABI_TAG CELLFIT_ABI_STDLIB

extern "C" {

// The first thing the loader reads from a plugin library. Its first three
// fields never change, so that any cellfit can read them from any plugin and
// tell the user which versions disagree. Only after they match does the loader
// call register_plugins.
struct cellfit_plugin_header {
    unsigned magic;            // CELLFIT_PLUGIN_MAGIC
    unsigned abi_version;      // CELLFIT_ABI_VERSION of the SDK the plugin was built with
    const char* abi_tag;       // CELLFIT_ABI_TAG of that build
    void (*register_plugins)(void* sink); // sink is a cellfit::plugin_sink*
};

} // extern "C"

#define CELLFIT_PLUGIN_MAGIC 0x43465031u /* "CFP1" */

// Name of the exported entry point: a function returning the header above.
#define CELLFIT_PLUGIN_ENTRY_NAME "cellfit_plugin_entry"
