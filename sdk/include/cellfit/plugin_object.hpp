#pragma once

#include <cellfit/export.hpp>

namespace cellfit {

// Base of every object a plugin creates. The registry hands such objects out
// with a deleter that keeps the plugin library loaded while the object lives.
class CELLFIT_API plugin_object {
public:
    virtual ~plugin_object();

protected:
    plugin_object() = default;
    plugin_object(const plugin_object&) = default;
    plugin_object& operator=(const plugin_object&) = default;
};

} // namespace cellfit
