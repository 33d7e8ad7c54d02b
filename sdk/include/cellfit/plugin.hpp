#pragma once

// Everything a plugin library needs: include this, implement an interface
// (optimizer.hpp, ...), and register it once per library:
//
//   CELLFIT_PLUGIN_LIBRARY(sink) {
//       sink.add<cellfit::optimizer>(
//           {.name = "my.search", .version = "1.0", .description = "...",
//            .options = {{.name = "step", .type = cellfit::option_type::real,
//                         .default_value = "0.1", .help = "step size"}}},
//           [](const cellfit::plugin_options& o) { return std::make_unique<my_search>(o); });
//   }
//
// Build it with cellfit_add_plugin() from find_package(cellfit).

#include <cellfit/abi.hpp>
#include <cellfit/backend.hpp>
#include <cellfit/error.hpp>
#include <cellfit/export.hpp>
#include <cellfit/integrator.hpp>
#include <cellfit/metric.hpp>
#include <cellfit/optimizer.hpp>
#include <cellfit/options.hpp>
#include <cellfit/plugin_info.hpp>
#include <cellfit/plugin_object.hpp>

#include <boost/dll/alias.hpp>

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace cellfit {

using plugin_factory = std::function<std::unique_ptr<plugin_object>(const plugin_options&)>;

// Receives the plugins of one library while it is loaded.
class CELLFIT_API plugin_sink {
public:
    // Registers a plugin implementing Interface (e.g. cellfit::optimizer).
    // info.kind is taken from the interface. The factory gets validated
    // options and returns std::unique_ptr<Implementation>.
    template <class Interface, class Factory>
    void add(plugin_info info, Factory factory) {
        static_assert(std::is_base_of_v<plugin_object, Interface>,
                      "the interface must derive from cellfit::plugin_object");
        info.kind = Interface::kind;
        add_plugin(std::move(info),
                   [make = std::move(factory)](const plugin_options& options)
                       -> std::unique_ptr<plugin_object> {
                       std::unique_ptr<Interface> object = make(options);
                       return object;
                   });
    }

    virtual void add_plugin(plugin_info info, plugin_factory factory) = 0;

protected:
    ~plugin_sink() = default;
};

} // namespace cellfit

// Defines the entry point of a plugin library. Use once per library, at global
// scope, followed by the body of a function that receives the sink.
#define CELLFIT_PLUGIN_LIBRARY(sink_name)                                                      \
    static void cellfit_register_plugins_(::cellfit::plugin_sink& sink_name);                  \
    namespace cellfit_plugin_detail {                                                          \
    inline void register_plugins(void* sink) {                                                 \
        cellfit_register_plugins_(*static_cast<::cellfit::plugin_sink*>(sink));                \
    }                                                                                          \
    const ::cellfit_plugin_header* entry() {                                                   \
        static const ::cellfit_plugin_header header{CELLFIT_PLUGIN_MAGIC, CELLFIT_ABI_VERSION, \
                                                    CELLFIT_ABI_TAG, &register_plugins,        \
                                                    CELLFIT_ABI_MINOR};                        \
        return &header;                                                                        \
    }                                                                                          \
    }                                                                                          \
    BOOST_DLL_ALIAS(cellfit_plugin_detail::entry, cellfit_plugin_entry)                        \
    static void cellfit_register_plugins_(::cellfit::plugin_sink& sink_name)
