
#ifndef _BRIAN_OBJECTS_H
#define _BRIAN_OBJECTS_H

#include "synapses_classes.h"
#include "brianlib/clocks.h"
#include "brianlib/dynamic_array.h"
#include "brianlib/stdint_compat.h"
#include "network.h"
#include "randomkit.h"
#include<vector>


namespace brian {

// In OpenMP we need one state per thread
extern std::vector< rk_state* > _mersenne_twister_states;

//////////////// clocks ///////////////////
extern Clock neurongroup_clock;

//////////////// networks /////////////////
extern Network network;

//////////////// dynamic arrays ///////////

//////////////// arrays ///////////////////
extern double *_array_defaultclock_dt;
extern const int _num__array_defaultclock_dt;
extern double *_array_defaultclock_t;
extern const int _num__array_defaultclock_t;
extern int64_t *_array_defaultclock_timestep;
extern const int _num__array_defaultclock_timestep;
extern double *_array_neurongroup_clock_dt;
extern const int _num__array_neurongroup_clock_dt;
extern double *_array_neurongroup_clock_t;
extern const int _num__array_neurongroup_clock_t;
extern int64_t *_array_neurongroup_clock_timestep;
extern const int _num__array_neurongroup_clock_timestep;
extern double *_array_neurongroup_Cm;
extern const int _num__array_neurongroup_Cm;
extern double *_array_neurongroup_g_kd;
extern const int _num__array_neurongroup_g_kd;
extern double *_array_neurongroup_g_na;
extern const int _num__array_neurongroup_g_na;
extern double *_array_neurongroup_gl;
extern const int _num__array_neurongroup_gl;
extern double *_array_neurongroup_h;
extern const int _num__array_neurongroup_h;
extern int32_t *_array_neurongroup_i;
extern const int _num__array_neurongroup_i;
extern double *_array_neurongroup_m;
extern const int _num__array_neurongroup_m;
extern double *_array_neurongroup_n;
extern const int _num__array_neurongroup_n;
extern double *_array_neurongroup_v;
extern const int _num__array_neurongroup_v;

//////////////// dynamic arrays 2d /////////

/////////////// static arrays /////////////
extern double *_timedarray_1_values;
extern const int _num__timedarray_1_values;

//////////////// synapses /////////////////

// Profiling information for each code object
}

void _init_arrays();
void _load_arrays();
void _write_arrays();
void _dealloc_arrays();

#endif


