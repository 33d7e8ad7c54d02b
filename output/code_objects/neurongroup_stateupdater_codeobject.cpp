#include "code_objects/neurongroup_stateupdater_codeobject.h"
#include "objects.h"
#include "brianlib/common_math.h"
#include "brianlib/stdint_compat.h"
#include<cmath>
#include<ctime>
#include<iostream>
#include<fstream>
#include<climits>

////// SUPPORT CODE ///////
namespace {
        
    static double* _namespace_timedarray_1_values;
    static inline double _timedarray_1(const double t)
    {
        const double epsilon = 0.000010000000000000 / 8;
        int i = (int)((t/epsilon + 0.5)/8);
        if(i < 0)
           i = 0;
        if(i >= 10000)
            i = 10000-1;
        return _namespace_timedarray_1_values[i];
    }
    template < typename T1, typename T2 > struct _higher_type;
    template < > struct _higher_type<int,int> { typedef int type; };
    template < > struct _higher_type<int,long> { typedef long type; };
    template < > struct _higher_type<int,long long> { typedef long long type; };
    template < > struct _higher_type<int,float> { typedef float type; };
    template < > struct _higher_type<int,double> { typedef double type; };
    template < > struct _higher_type<int,long double> { typedef long double type; };
    template < > struct _higher_type<long,int> { typedef long type; };
    template < > struct _higher_type<long,long> { typedef long type; };
    template < > struct _higher_type<long,long long> { typedef long long type; };
    template < > struct _higher_type<long,float> { typedef float type; };
    template < > struct _higher_type<long,double> { typedef double type; };
    template < > struct _higher_type<long,long double> { typedef long double type; };
    template < > struct _higher_type<long long,int> { typedef long long type; };
    template < > struct _higher_type<long long,long> { typedef long long type; };
    template < > struct _higher_type<long long,long long> { typedef long long type; };
    template < > struct _higher_type<long long,float> { typedef float type; };
    template < > struct _higher_type<long long,double> { typedef double type; };
    template < > struct _higher_type<long long,long double> { typedef long double type; };
    template < > struct _higher_type<float,int> { typedef float type; };
    template < > struct _higher_type<float,long> { typedef float type; };
    template < > struct _higher_type<float,long long> { typedef float type; };
    template < > struct _higher_type<float,float> { typedef float type; };
    template < > struct _higher_type<float,double> { typedef double type; };
    template < > struct _higher_type<float,long double> { typedef long double type; };
    template < > struct _higher_type<double,int> { typedef double type; };
    template < > struct _higher_type<double,long> { typedef double type; };
    template < > struct _higher_type<double,long long> { typedef double type; };
    template < > struct _higher_type<double,float> { typedef double type; };
    template < > struct _higher_type<double,double> { typedef double type; };
    template < > struct _higher_type<double,long double> { typedef long double type; };
    template < > struct _higher_type<long double,int> { typedef long double type; };
    template < > struct _higher_type<long double,long> { typedef long double type; };
    template < > struct _higher_type<long double,long long> { typedef long double type; };
    template < > struct _higher_type<long double,float> { typedef long double type; };
    template < > struct _higher_type<long double,double> { typedef long double type; };
    template < > struct _higher_type<long double,long double> { typedef long double type; };
    template < typename T1, typename T2 >
    static inline typename _higher_type<T1,T2>::type
    _brian_mod(T1 x, T2 y)
    {{
        return x-y*floor(1.0*x/y);
    }}
    template < typename T1, typename T2 >
    static inline typename _higher_type<T1,T2>::type
    _brian_floordiv(T1 x, T2 y)
    {{
        return floor(1.0*x/y);
    }}
    #ifdef _MSC_VER
    #define _brian_pow(x, y) (pow((double)(x), (y)))
    #else
    #define _brian_pow(x, y) (pow((x), (y)))
    #endif

}

////// HASH DEFINES ///////



void _run_neurongroup_stateupdater_codeobject()
{
    using namespace brian;


    ///// CONSTANTS ///////////
    const size_t _numCm = 10000;
const double EK = - 0.09;
const double ENa = 0.05;
const double El = - 0.065;
const int64_t N = 10000;
const double VT = - 0.063;
const size_t _numdt = 1;
const size_t _numg_kd = 10000;
const size_t _numg_na = 10000;
const size_t _numgl = 10000;
const size_t _numh = 10000;
const size_t _numm = 10000;
const double mV = 0.001;
const double ms = 0.001;
const size_t _numn = 10000;
const size_t _numt = 1;
const size_t _numv = 10000;
    ///// POINTERS ////////////
        
    double* __restrict  _ptr_array_neurongroup_Cm = _array_neurongroup_Cm;
    double*   _ptr_array_neurongroup_clock_dt = _array_neurongroup_clock_dt;
    double* __restrict  _ptr_array_neurongroup_g_kd = _array_neurongroup_g_kd;
    double* __restrict  _ptr_array_neurongroup_g_na = _array_neurongroup_g_na;
    double* __restrict  _ptr_array_neurongroup_gl = _array_neurongroup_gl;
    double* __restrict  _ptr_array_neurongroup_h = _array_neurongroup_h;
    double* __restrict  _ptr_array_neurongroup_m = _array_neurongroup_m;
    double* __restrict  _ptr_array_neurongroup_n = _array_neurongroup_n;
    double*   _ptr_array_neurongroup_clock_t = _array_neurongroup_clock_t;
    double* __restrict  _ptr_array_neurongroup_v = _array_neurongroup_v;
    _namespace_timedarray_1_values = _timedarray_1_values;


    //// MAIN CODE ////////////
    // scalar code
    const size_t _vectorisation_idx = -1;
        
    const double dt = _ptr_array_neurongroup_clock_dt[0];
    const double t = _ptr_array_neurongroup_clock_t[0];
    const double _lio_1 = 1.0f*(0.329137207652868 * exp(1.0f*(0.0555555555555556 * VT)/mV))/ms;
    const double _lio_2 = 1.0f*(- 0.0555555555555556)/mV;
    const double _lio_3 = 2980.95798704173 * (ms * exp(1.0f*(0.2 * VT)/mV));
    const double _lio_4 = 1.0f*(- 0.2)/mV;
    const double _lio_5 = 0.32 * VT;
    const double _lio_6 = 0.0 - (mV * ms);
    const double _lio_7 = 25.7903399171931 * ((mV * ms) * exp(1.0f*(0.25 * VT)/mV));
    const double _lio_8 = 1.0f*(- 0.25)/mV;
    const double _lio_9 = 4.16 * mV;
    const double _lio_10 = (- 0.32) * VT;
    const double _lio_11 = 0.28 * VT;
    const double _lio_12 = ((- 1.0) * mV) * ms;
    const double _lio_13 = 0.000335462627902512 * ((mV * ms) * exp(1.0f*((- 0.2) * VT)/mV));
    const double _lio_14 = 1.0f*0.2/mV;
    const double _lio_15 = 11.2 * mV;
    const double _lio_16 = 0.032 * VT;
    const double _lio_17 = 20.0855369231877 * ((mV * ms) * exp(1.0f*(0.2 * VT)/mV));
    const double _lio_18 = 0.48 * mV;
    const double _lio_19 = (- 0.032) * VT;
    const double _lio_20 = 1.0f*(0.642012708343871 * exp(1.0f*(0.025 * VT)/mV))/ms;
    const double _lio_21 = 1.0f*(- 0.025)/mV;
    const double _lio_22 = _timedarray_1(t);


    const int _N = N;
    
    for(int _idx=0; _idx<_N; _idx++)
    {
        // vector code
        const size_t _vectorisation_idx = _idx;
                
        const double Cm = _ptr_array_neurongroup_Cm[_idx];
        const double g_kd = _ptr_array_neurongroup_g_kd[_idx];
        const double g_na = _ptr_array_neurongroup_g_na[_idx];
        const double gl = _ptr_array_neurongroup_gl[_idx];
        double h = _ptr_array_neurongroup_h[_idx];
        double m = _ptr_array_neurongroup_m[_idx];
        double n = _ptr_array_neurongroup_n[_idx];
        double v = _ptr_array_neurongroup_v[_idx];
        const double _BA_h = 1.0f*(_lio_1 * exp(_lio_2 * v))/((1.0f*(- 4.0)/(ms + (_lio_3 * exp(_lio_4 * v)))) - (_lio_1 * exp(_lio_2 * v)));
        const double _h = (- _BA_h) + ((_BA_h + h) * exp(dt * ((1.0f*(- 4.0)/(ms + (_lio_3 * exp(_lio_4 * v)))) - (_lio_1 * exp(_lio_2 * v)))));
        const double _BA_m = 1.0f*(((1.0f*_lio_5/(_lio_6 + (_lio_7 * exp(_lio_8 * v)))) + (1.0f*_lio_9/(_lio_6 + (_lio_7 * exp(_lio_8 * v))))) - (1.0f*(0.32 * v)/(_lio_6 + (_lio_7 * exp(_lio_8 * v)))))/(((((1.0f*_lio_10/(_lio_6 + (_lio_7 * exp(_lio_8 * v)))) + (1.0f*_lio_11/(_lio_12 + (_lio_13 * exp(_lio_14 * v))))) + (1.0f*_lio_15/(_lio_12 + (_lio_13 * exp(_lio_14 * v))))) + (1.0f*(0.32 * v)/(_lio_6 + (_lio_7 * exp(_lio_8 * v))))) - ((1.0f*_lio_9/(_lio_6 + (_lio_7 * exp(_lio_8 * v)))) + (1.0f*(0.28 * v)/(_lio_12 + (_lio_13 * exp(_lio_14 * v))))));
        const double _m = (- _BA_m) + ((_BA_m + m) * exp(dt * (((((1.0f*_lio_10/(_lio_6 + (_lio_7 * exp(_lio_8 * v)))) + (1.0f*_lio_11/(_lio_12 + (_lio_13 * exp(_lio_14 * v))))) + (1.0f*_lio_15/(_lio_12 + (_lio_13 * exp(_lio_14 * v))))) + (1.0f*(0.32 * v)/(_lio_6 + (_lio_7 * exp(_lio_8 * v))))) - ((1.0f*_lio_9/(_lio_6 + (_lio_7 * exp(_lio_8 * v)))) + (1.0f*(0.28 * v)/(_lio_12 + (_lio_13 * exp(_lio_14 * v))))))));
        const double _BA_n = 1.0f*(((1.0f*_lio_16/(_lio_6 + (_lio_17 * exp(_lio_4 * v)))) + (1.0f*_lio_18/(_lio_6 + (_lio_17 * exp(_lio_4 * v))))) - (1.0f*(0.032 * v)/(_lio_6 + (_lio_17 * exp(_lio_4 * v)))))/(((1.0f*_lio_19/(_lio_6 + (_lio_17 * exp(_lio_4 * v)))) + (1.0f*(0.032 * v)/(_lio_6 + (_lio_17 * exp(_lio_4 * v))))) - ((1.0f*_lio_18/(_lio_6 + (_lio_17 * exp(_lio_4 * v)))) + (_lio_20 * exp(_lio_21 * v))));
        const double _n = (- _BA_n) + ((_BA_n + n) * exp(dt * (((1.0f*_lio_19/(_lio_6 + (_lio_17 * exp(_lio_4 * v)))) + (1.0f*(0.032 * v)/(_lio_6 + (_lio_17 * exp(_lio_4 * v))))) - ((1.0f*_lio_18/(_lio_6 + (_lio_17 * exp(_lio_4 * v)))) + (_lio_20 * exp(_lio_21 * v))))));
        const double _BA_v = 1.0f*((((1.0f*(EK * (g_kd * (_brian_pow(n, 4))))/Cm) + (1.0f*(ENa * ((g_na * h) * (_brian_pow(m, 3))))/Cm)) + (1.0f*(El * gl)/Cm)) + (1.0f*_lio_22/Cm))/((1.0f*((- g_kd) * (_brian_pow(n, 4)))/Cm) - ((1.0f*((g_na * h) * (_brian_pow(m, 3)))/Cm) + (1.0f*gl/Cm)));
        const double _v = (- _BA_v) + ((_BA_v + v) * exp(dt * ((1.0f*((- g_kd) * (_brian_pow(n, 4)))/Cm) - ((1.0f*((g_na * h) * (_brian_pow(m, 3)))/Cm) + (1.0f*gl/Cm)))));
        h = _h;
        m = _m;
        n = _n;
        v = _v;
        _ptr_array_neurongroup_h[_idx] = h;
        _ptr_array_neurongroup_m[_idx] = m;
        _ptr_array_neurongroup_n[_idx] = n;
        _ptr_array_neurongroup_v[_idx] = v;

    }

}


