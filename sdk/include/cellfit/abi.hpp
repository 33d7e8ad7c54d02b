#pragma once

// The plugin ABI. Plugins talk to the core through C++ classes (optimizer,
// options, plugin_info, ...), so a plugin must be built with the same plugin
// ABI version and a compatible C++ standard library as the cellfit that loads
// it. Both are written into every plugin library and checked before any C++
// object crosses the boundary.
//
// Bump CELLFIT_ABI_VERSION (and set the minor to 0) whenever a class in
// sdk/include/cellfit changes layout or virtual functions. Bump
// CELLFIT_ABI_MINOR for additions that plugins built before them can do
// without (a new plugin kind, a new optional entry the loader asks a plugin
// for only from that minor on): cellfit loads plugins of its major version and
// any minor up to its own. A minor cannot add a virtual function to an
// interface (older plugins' objects lack it): that is a major bump. A cellfit
// from before the minor version reads a minor-carrying header ("CFP2") as not
// a plugin header at all.
//   3.1: the backend plugin kind.
//   4.0: option_spec::unit (options with physical units).
//   4.1: random draws __rand and __randn in step programs
//        (cellfit/random_stream.hpp); a 4.0 backend runs every model without
//        them, but does not know the calls: models that draw need 4.1.
//   5.0: optimizer::population_note, metric::raw_error_factor and
//        raw_error_unit_power (new virtual functions).
//   6.0: backend_setup::first_neuron and total_neurons (a simulation that is
//        one process's share of a run: i and N are the run's).
#define CELLFIT_ABI_VERSION 6
#define CELLFIT_ABI_MINOR 0

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

// A debug standard library lays out its containers differently.
#if defined(_GLIBCXX_DEBUG) || defined(_LIBCPP_DEBUG) || defined(_LIBCPP_ENABLE_DEBUG_MODE)
#define CELLFIT_ABI_STDLIB_MODE "-debug"
#else
#define CELLFIT_ABI_STDLIB_MODE ""
#endif

// The standard library, its ABI flavour and mode; GCC and Clang on the same
// libstdc++ are compatible, so the compiler itself is not part of the tag.
#define CELLFIT_ABI_TAG CELLFIT_ABI_STDLIB CELLFIT_ABI_STDLIB_MODE

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
    unsigned abi_minor;        // CELLFIT_ABI_MINOR; only in headers with CELLFIT_PLUGIN_MAGIC
};

} // extern "C"

#define CELLFIT_PLUGIN_MAGIC 0x43465032u /* "CFP2": a header with abi_minor */
// Headers written before the minor version end after register_plugins: minor 0.
#define CELLFIT_PLUGIN_MAGIC_NO_MINOR 0x43465031u /* "CFP1" */

// Name of the exported entry point: a function returning the header above.
#define CELLFIT_PLUGIN_ENTRY_NAME "cellfit_plugin_entry"
