
#include "objects.h"
#include "synapses_classes.h"
#include "brianlib/clocks.h"
#include "brianlib/dynamic_array.h"
#include "brianlib/stdint_compat.h"
#include "network.h"
#include "randomkit.h"
#include<vector>
#include<iostream>
#include<fstream>

namespace brian {

std::vector< rk_state* > _mersenne_twister_states;

//////////////// networks /////////////////
Network network;

//////////////// arrays ///////////////////
double * _array_defaultclock_dt;
const int _num__array_defaultclock_dt = 1;
double * _array_defaultclock_t;
const int _num__array_defaultclock_t = 1;
int64_t * _array_defaultclock_timestep;
const int _num__array_defaultclock_timestep = 1;
double * _array_neurongroup_clock_dt;
const int _num__array_neurongroup_clock_dt = 1;
double * _array_neurongroup_clock_t;
const int _num__array_neurongroup_clock_t = 1;
int64_t * _array_neurongroup_clock_timestep;
const int _num__array_neurongroup_clock_timestep = 1;
double * _array_neurongroup_Cm;
const int _num__array_neurongroup_Cm = 10000;
double * _array_neurongroup_g_kd;
const int _num__array_neurongroup_g_kd = 10000;
double * _array_neurongroup_g_na;
const int _num__array_neurongroup_g_na = 10000;
double * _array_neurongroup_gl;
const int _num__array_neurongroup_gl = 10000;
double * _array_neurongroup_h;
const int _num__array_neurongroup_h = 10000;
int32_t * _array_neurongroup_i;
const int _num__array_neurongroup_i = 10000;
double * _array_neurongroup_m;
const int _num__array_neurongroup_m = 10000;
double * _array_neurongroup_n;
const int _num__array_neurongroup_n = 10000;
double * _array_neurongroup_v;
const int _num__array_neurongroup_v = 10000;

//////////////// dynamic arrays 1d /////////

//////////////// dynamic arrays 2d /////////

/////////////// static arrays /////////////
double * _timedarray_1_values;
const int _num__timedarray_1_values = 10000;

//////////////// synapses /////////////////

//////////////// clocks ///////////////////
Clock neurongroup_clock;  // attributes will be set in run.cpp

// Profiling information for each code object
}

void _init_arrays()
{
	using namespace brian;

    // Arrays initialized to 0
	_array_defaultclock_dt = new double[1];
    
	for(int i=0; i<1; i++) _array_defaultclock_dt[i] = 0;

	_array_defaultclock_t = new double[1];
    
	for(int i=0; i<1; i++) _array_defaultclock_t[i] = 0;

	_array_defaultclock_timestep = new int64_t[1];
    
	for(int i=0; i<1; i++) _array_defaultclock_timestep[i] = 0;

	_array_neurongroup_clock_dt = new double[1];
    
	for(int i=0; i<1; i++) _array_neurongroup_clock_dt[i] = 0;

	_array_neurongroup_clock_t = new double[1];
    
	for(int i=0; i<1; i++) _array_neurongroup_clock_t[i] = 0;

	_array_neurongroup_clock_timestep = new int64_t[1];
    
	for(int i=0; i<1; i++) _array_neurongroup_clock_timestep[i] = 0;

	_array_neurongroup_Cm = new double[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_Cm[i] = 0;

	_array_neurongroup_g_kd = new double[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_g_kd[i] = 0;

	_array_neurongroup_g_na = new double[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_g_na[i] = 0;

	_array_neurongroup_gl = new double[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_gl[i] = 0;

	_array_neurongroup_h = new double[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_h[i] = 0;

	_array_neurongroup_i = new int32_t[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_i[i] = 0;

	_array_neurongroup_m = new double[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_m[i] = 0;

	_array_neurongroup_n = new double[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_n[i] = 0;

	_array_neurongroup_v = new double[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_v[i] = 0;


	// Arrays initialized to an "arange"
	_array_neurongroup_i = new int32_t[10000];
    
	for(int i=0; i<10000; i++) _array_neurongroup_i[i] = 0 + i;


	// static arrays
	_timedarray_1_values = new double[10000];

	// Random number generator states
	for (int i=0; i<1; i++)
	    _mersenne_twister_states.push_back(new rk_state());
}

void _load_arrays()
{
	using namespace brian;

	ifstream f_timedarray_1_values;
	f_timedarray_1_values.open("static_arrays/_timedarray_1_values", ios::in | ios::binary);
	if(f_timedarray_1_values.is_open())
	{
		f_timedarray_1_values.read(reinterpret_cast<char*>(_timedarray_1_values), 10000*sizeof(double));
	} else
	{
		std::cout << "Error opening static array _timedarray_1_values." << endl;
	}
}

void _write_arrays()
{
	using namespace brian;

	ofstream outfile__array_defaultclock_dt;
	outfile__array_defaultclock_dt.open("results/_array_defaultclock_dt_1978099143", ios::binary | ios::out);
	if(outfile__array_defaultclock_dt.is_open())
	{
		outfile__array_defaultclock_dt.write(reinterpret_cast<char*>(_array_defaultclock_dt), 1*sizeof(_array_defaultclock_dt[0]));
		outfile__array_defaultclock_dt.close();
	} else
	{
		std::cout << "Error writing output file for _array_defaultclock_dt." << endl;
	}
	ofstream outfile__array_defaultclock_t;
	outfile__array_defaultclock_t.open("results/_array_defaultclock_t_2669362164", ios::binary | ios::out);
	if(outfile__array_defaultclock_t.is_open())
	{
		outfile__array_defaultclock_t.write(reinterpret_cast<char*>(_array_defaultclock_t), 1*sizeof(_array_defaultclock_t[0]));
		outfile__array_defaultclock_t.close();
	} else
	{
		std::cout << "Error writing output file for _array_defaultclock_t." << endl;
	}
	ofstream outfile__array_defaultclock_timestep;
	outfile__array_defaultclock_timestep.open("results/_array_defaultclock_timestep_144223508", ios::binary | ios::out);
	if(outfile__array_defaultclock_timestep.is_open())
	{
		outfile__array_defaultclock_timestep.write(reinterpret_cast<char*>(_array_defaultclock_timestep), 1*sizeof(_array_defaultclock_timestep[0]));
		outfile__array_defaultclock_timestep.close();
	} else
	{
		std::cout << "Error writing output file for _array_defaultclock_timestep." << endl;
	}
	ofstream outfile__array_neurongroup_clock_dt;
	outfile__array_neurongroup_clock_dt.open("results/_array_neurongroup_clock_dt_2115120916", ios::binary | ios::out);
	if(outfile__array_neurongroup_clock_dt.is_open())
	{
		outfile__array_neurongroup_clock_dt.write(reinterpret_cast<char*>(_array_neurongroup_clock_dt), 1*sizeof(_array_neurongroup_clock_dt[0]));
		outfile__array_neurongroup_clock_dt.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_clock_dt." << endl;
	}
	ofstream outfile__array_neurongroup_clock_t;
	outfile__array_neurongroup_clock_t.open("results/_array_neurongroup_clock_t_2978924859", ios::binary | ios::out);
	if(outfile__array_neurongroup_clock_t.is_open())
	{
		outfile__array_neurongroup_clock_t.write(reinterpret_cast<char*>(_array_neurongroup_clock_t), 1*sizeof(_array_neurongroup_clock_t[0]));
		outfile__array_neurongroup_clock_t.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_clock_t." << endl;
	}
	ofstream outfile__array_neurongroup_clock_timestep;
	outfile__array_neurongroup_clock_timestep.open("results/_array_neurongroup_clock_timestep_865896969", ios::binary | ios::out);
	if(outfile__array_neurongroup_clock_timestep.is_open())
	{
		outfile__array_neurongroup_clock_timestep.write(reinterpret_cast<char*>(_array_neurongroup_clock_timestep), 1*sizeof(_array_neurongroup_clock_timestep[0]));
		outfile__array_neurongroup_clock_timestep.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_clock_timestep." << endl;
	}
	ofstream outfile__array_neurongroup_Cm;
	outfile__array_neurongroup_Cm.open("results/_array_neurongroup_Cm_1666144657", ios::binary | ios::out);
	if(outfile__array_neurongroup_Cm.is_open())
	{
		outfile__array_neurongroup_Cm.write(reinterpret_cast<char*>(_array_neurongroup_Cm), 10000*sizeof(_array_neurongroup_Cm[0]));
		outfile__array_neurongroup_Cm.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_Cm." << endl;
	}
	ofstream outfile__array_neurongroup_g_kd;
	outfile__array_neurongroup_g_kd.open("results/_array_neurongroup_g_kd_4284300545", ios::binary | ios::out);
	if(outfile__array_neurongroup_g_kd.is_open())
	{
		outfile__array_neurongroup_g_kd.write(reinterpret_cast<char*>(_array_neurongroup_g_kd), 10000*sizeof(_array_neurongroup_g_kd[0]));
		outfile__array_neurongroup_g_kd.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_g_kd." << endl;
	}
	ofstream outfile__array_neurongroup_g_na;
	outfile__array_neurongroup_g_na.open("results/_array_neurongroup_g_na_4064296395", ios::binary | ios::out);
	if(outfile__array_neurongroup_g_na.is_open())
	{
		outfile__array_neurongroup_g_na.write(reinterpret_cast<char*>(_array_neurongroup_g_na), 10000*sizeof(_array_neurongroup_g_na[0]));
		outfile__array_neurongroup_g_na.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_g_na." << endl;
	}
	ofstream outfile__array_neurongroup_gl;
	outfile__array_neurongroup_gl.open("results/_array_neurongroup_gl_3852503201", ios::binary | ios::out);
	if(outfile__array_neurongroup_gl.is_open())
	{
		outfile__array_neurongroup_gl.write(reinterpret_cast<char*>(_array_neurongroup_gl), 10000*sizeof(_array_neurongroup_gl[0]));
		outfile__array_neurongroup_gl.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_gl." << endl;
	}
	ofstream outfile__array_neurongroup_h;
	outfile__array_neurongroup_h.open("results/_array_neurongroup_h_3940794646", ios::binary | ios::out);
	if(outfile__array_neurongroup_h.is_open())
	{
		outfile__array_neurongroup_h.write(reinterpret_cast<char*>(_array_neurongroup_h), 10000*sizeof(_array_neurongroup_h[0]));
		outfile__array_neurongroup_h.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_h." << endl;
	}
	ofstream outfile__array_neurongroup_i;
	outfile__array_neurongroup_i.open("results/_array_neurongroup_i_2649026944", ios::binary | ios::out);
	if(outfile__array_neurongroup_i.is_open())
	{
		outfile__array_neurongroup_i.write(reinterpret_cast<char*>(_array_neurongroup_i), 10000*sizeof(_array_neurongroup_i[0]));
		outfile__array_neurongroup_i.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_i." << endl;
	}
	ofstream outfile__array_neurongroup_m;
	outfile__array_neurongroup_m.open("results/_array_neurongroup_m_2592683417", ios::binary | ios::out);
	if(outfile__array_neurongroup_m.is_open())
	{
		outfile__array_neurongroup_m.write(reinterpret_cast<char*>(_array_neurongroup_m), 10000*sizeof(_array_neurongroup_m[0]));
		outfile__array_neurongroup_m.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_m." << endl;
	}
	ofstream outfile__array_neurongroup_n;
	outfile__array_neurongroup_n.open("results/_array_neurongroup_n_58745891", ios::binary | ios::out);
	if(outfile__array_neurongroup_n.is_open())
	{
		outfile__array_neurongroup_n.write(reinterpret_cast<char*>(_array_neurongroup_n), 10000*sizeof(_array_neurongroup_n[0]));
		outfile__array_neurongroup_n.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_n." << endl;
	}
	ofstream outfile__array_neurongroup_v;
	outfile__array_neurongroup_v.open("results/_array_neurongroup_v_283966581", ios::binary | ios::out);
	if(outfile__array_neurongroup_v.is_open())
	{
		outfile__array_neurongroup_v.write(reinterpret_cast<char*>(_array_neurongroup_v), 10000*sizeof(_array_neurongroup_v[0]));
		outfile__array_neurongroup_v.close();
	} else
	{
		std::cout << "Error writing output file for _array_neurongroup_v." << endl;
	}


	// Write last run info to disk
	ofstream outfile_last_run_info;
	outfile_last_run_info.open("results/last_run_info.txt", ios::out);
	if(outfile_last_run_info.is_open())
	{
		outfile_last_run_info << (Network::_last_run_time) << " " << (Network::_last_run_completed_fraction) << std::endl;
		outfile_last_run_info.close();
	} else
	{
	    std::cout << "Error writing last run info to file." << std::endl;
	}
}

void _dealloc_arrays()
{
	using namespace brian;


	// static arrays
	if(_timedarray_1_values!=0)
	{
		delete [] _timedarray_1_values;
		_timedarray_1_values = 0;
	}
}

