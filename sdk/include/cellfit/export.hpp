#pragma once

// Marks the symbols of libcellfit_core that plugins and programs may use.
// Plugins are built with hidden visibility, so anything they reach in the core
// (exception types, out-of-line functions) must be exported explicitly.
#if defined(__GNUC__) || defined(__clang__)
#define CELLFIT_API __attribute__((visibility("default")))
#else
#define CELLFIT_API
#endif
