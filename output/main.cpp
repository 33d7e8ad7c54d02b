#include <stdlib.h>
#include "objects.h"
#include <ctime>
#include <time.h>

#include "run.h"
#include "brianlib/common_math.h"
#include "randomkit.h"

#include "code_objects/neurongroup_stateupdater_codeobject.h"


#include <iostream>
#include <fstream>
#include <string>




int main(int argc, char **argv)
{
        

	brian_start();
        

	{
		using namespace brian;

		
                
        _array_defaultclock_dt[0] = 0.0001;
        _array_defaultclock_dt[0] = 0.0001;
        _array_defaultclock_dt[0] = 0.0001;
        _array_neurongroup_clock_dt[0] = 1e-05;
        _array_neurongroup_clock_dt[0] = 1e-05;
        
                        
                        for(int i=0; i<_num__array_neurongroup_gl; i++)
                        {
                            _array_neurongroup_gl[i] = 1e-08;
                        }
                        
        
                        
                        for(int i=0; i<_num__array_neurongroup_g_na; i++)
                        {
                            _array_neurongroup_g_na[i] = 1.9999999999999998e-05;
                        }
                        
        
                        
                        for(int i=0; i<_num__array_neurongroup_g_kd; i++)
                        {
                            _array_neurongroup_g_kd[i] = 6e-06;
                        }
                        
        
                        
                        for(int i=0; i<_num__array_neurongroup_Cm; i++)
                        {
                            _array_neurongroup_Cm[i] = 2e-10;
                        }
                        
        
                        
                        for(int i=0; i<_num__array_neurongroup_v; i++)
                        {
                            _array_neurongroup_v[i] = - 0.065;
                        }
                        
        _array_neurongroup_clock_timestep[0] = 0;
        _array_neurongroup_clock_t[0] = 0.0;
        network.clear();
        network.add(&neurongroup_clock, _run_neurongroup_stateupdater_codeobject);
        network.run(0.1, NULL, 10.0);

	}
        

	brian_end();
        

	return 0;
}