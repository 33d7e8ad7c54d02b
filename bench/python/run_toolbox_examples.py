#!/usr/bin/env python3
"""Run the brian2modelfitting example scripts for several seeds and collect
their best errors and timings (a baseline for cellfit's benchmarks).

Usage:
  /usr/bin/python3 bench/python/run_toolbox_examples.py --examples DIR \
      --package brian2modelfitting --seeds 1,2,3 [--only NAME ...] \
      [--json OUT.json] [--timeout 900] [--logdir DIR]

Each (example, seed) runs in a fresh child process (this same script with
--child) with PYTHONHASHSEED=0 and MPLBACKEND=Agg.  The child executes the
example's source with one change: the line `from brian2modelfitting import *`
becomes `from PACKAGE import *` followed by a line seeding numpy, so the
seed is set after all imports.  The child then reads the global `fitter` and
prints one JSON line tagged with MARK.  Stdlib only; PACKAGE (and, for
brian2modelfitting, nevergrad 1.0.1) must be importable, e.g. via PYTHONPATH.
"""
import argparse
import builtins
import importlib
import inspect
import json
import os
import subprocess
import sys
import time

EXAMPLES = ['hh_nevergrad_runtime', 'hh_nevergrad_onlinetracefitter',
            'IF_spikefitter', 'multiobjective']
IMPORT_LINE = 'from brian2modelfitting import *'
MARK = '@@TOOLBOX_RESULT@@ '


# ---------------------------------------------------------------- child side

def _patched_source(path, package, seed):
    """The example's source with the import line replaced (exactly once)."""
    with open(path) as f:
        lines = f.read().split('\n')
    hits = [i for i, line in enumerate(lines) if line.strip() == IMPORT_LINE]
    if len(hits) != 1:
        raise SystemExit(f'{path}: expected one line {IMPORT_LINE!r}, '
                         f'found {len(hits)}')
    i = hits[0]
    indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
    lines[i:i + 1] = [f'{indent}from {package} import *',
                      f'{indent}import numpy as _np; _np.random.seed({seed})']
    return '\n'.join(lines)


def _install_fit_timers(package, timers):
    """Time Fitter.fit/refine calls without touching the example's source.

    The toolbox finds the caller's variables by walking `level` frames up
    the stack, so each wrapper passes level+1 to skip its own frame.  Only
    the outermost call is timed (fit methods of subclasses call the base).
    """
    mod = importlib.import_module(package)
    depth = [0]

    def wrap(func, key):
        def timed(*args, **kwargs):
            kwargs['level'] = kwargs.get('level', 0) + 1
            depth[0] += 1
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    timers[key] = timers.get(key, 0.0) + time.perf_counter() - t0
        return timed

    # Every class that defines fit/refine, including the base classes of the
    # exported ones (a package may export subclasses that inherit them).
    classes = {klass for obj in vars(mod).values() if inspect.isclass(obj) for klass in obj.__mro__}
    for obj in classes:
        for key in ('fit', 'refine'):
            func = obj.__dict__.get(key)
            if (inspect.isfunction(func) and not getattr(func, '__isabstractmethod__', False)
                    and 'level' in inspect.signature(func).parameters):
                setattr(obj, key, wrap(func, key))


def _codegen_target():
    """Brian's code generation target actually used ('auto' resolved)."""
    try:
        from brian2 import prefs
        from brian2.devices.device import auto_target, get_device
        target = prefs.codegen.target
        if target == 'auto':
            target = f'auto -> {auto_target().__name__}'
        return f'{type(get_device()).__name__}, {target}'
    except Exception as exc:  # not fatal: only informative
        return f'unknown ({exc})'


def run_child(path, package, seed):
    timers = {}
    _install_fit_timers(package, timers)
    code = compile(_patched_source(path, package, seed), path, 'exec')
    env = {'__name__': '__main__', '__file__': path, '__builtins__': builtins}
    sys.argv = [path]
    t0 = time.perf_counter()
    exec(code, env)
    exec_s = time.perf_counter() - t0

    fitter = env['fitter']
    err = fitter.best_error
    opt = getattr(fitter, 'optimizer', None)
    nopt = getattr(opt, 'optim', None)   # the nevergrad optimizer, if any
    out = {
        'example': os.path.splitext(os.path.basename(path))[0],
        'seed': seed, 'package': package,
        'best_error': float(err), 'best_error_repr': repr(err),
        'best_error_str': str(err),
        'exec_s': exec_s, 'fit_s': timers.get('fit'),
        'refine_s': timers.get('refine'),
        'population_requested': getattr(fitter, '_n_samples', None),
        'population': getattr(fitter, 'n_samples', None),
        'rounds': getattr(fitter, 'iteration', None),
        'evaluations': len(getattr(opt, 'errors', []) or []),
        'optimizer': (f'{type(nopt).__name__} {getattr(nopt, "name", "")} '
                      f'llambda={getattr(nopt, "llambda", None)} '
                      f'budget={getattr(nopt, "budget", None)}'
                      if nopt is not None else type(opt).__name__),
        'target': _codegen_target(),
    }
    # A refine() result (scipy OptimizeResult) left in a global, e.g. `_`.
    for value in env.values():
        if type(value).__name__ == 'OptimizeResult':
            fun = value.fun
            parts = len(getattr(fitter, 'output_var', [None])) or 1
            # The toolbox's refine error: sum over outputs of mean(residual^2)
            # (residuals are concatenated per output; equal lengths assumed).
            if len(fun) % parts == 0:
                n = len(fun) // parts
                out['refine_error'] = float(sum((fun[k * n:(k + 1) * n] ** 2).mean()
                                                for k in range(parts)))
            out['refine_cost'] = float(value.cost)
            out['refine_nfev'] = int(value.nfev)
            break
    sys.stdout.flush()
    print(MARK + json.dumps(out), flush=True)


# --------------------------------------------------------------- parent side

def run_one(args, name, seed):
    path = os.path.abspath(os.path.join(args.examples, name + '.py'))
    env = dict(os.environ, PYTHONHASHSEED='0', MPLBACKEND='Agg')
    cmd = [sys.executable, os.path.abspath(__file__), '--child', path,
           '--package', args.package, '--seeds', str(seed)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                              timeout=args.timeout)
        stdout, stderr, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        def text(b):
            return b.decode(errors='replace') if isinstance(b, bytes) else (b or '')
        stdout, stderr, rc = text(exc.stdout), text(exc.stderr), 'timeout'
    process_s = time.perf_counter() - t0
    if args.logdir:
        os.makedirs(args.logdir, exist_ok=True)
        for ext, text_ in (('out', stdout), ('err', stderr)):
            with open(os.path.join(args.logdir, f'{name}.seed{seed}.{ext}'), 'w') as f:
                f.write(text_)
    rows = [l for l in stdout.splitlines() if l.startswith(MARK)]
    if rc == 0 and rows:
        res = json.loads(rows[-1][len(MARK):])
    else:
        res = {'example': name, 'seed': seed, 'package': args.package,
               'failed': f'exit {rc}', 'stderr_tail': stderr[-2000:]}
    res['process_s'] = process_s
    # The toolbox's own warnings (e.g. population raised by nevergrad).
    res['warnings'] = [l.strip() for l in stderr.splitlines()
                       if 'WARNING' in l or 'Sample size' in l][:5]
    return res


def report(results):
    def fmt(x, spec):
        return '-' if x is None else format(x, spec)
    print(f'\n{"example":32} {"seed":>4} {"best error (SI)":>15} {"fit s":>8} '
          f'{"exec s":>8} {"proc s":>8} {"pop x rounds":>12}  refined / with unit')
    for r in results:
        if 'failed' in r:
            print(f'{r["example"]:32} {r["seed"]:>4} FAILED ({r["failed"]}, '
                  f'{r["process_s"]:.1f} s)\n    ' +
                  r['stderr_tail'][-600:].replace('\n', '\n    '))
            continue
        pop = f'{r["population"]}x{r["rounds"]}'
        extra = r['best_error_str']
        if 'refine_error' in r:
            extra = (f'refined {r["refine_error"]:.4g} ({r["refine_nfev"]} evals, '
                     f'{fmt(r["refine_s"], ".1f")} s); ') + extra
        print(f'{r["example"]:32} {r["seed"]:>4} {r["best_error"]:15.6g} '
              f'{fmt(r["fit_s"], "8.1f")} {r["exec_s"]:8.1f} {r["process_s"]:8.1f} '
              f'{pop:>12}  {extra}')
    print('\nper example over seeds (best error, SI): worst / best')
    for name in dict.fromkeys(r['example'] for r in results):
        ok = [r for r in results if r['example'] == name and 'failed' not in r]
        if not ok:
            print(f'  {name:32} all runs failed')
        else:
            worst = max(ok, key=lambda r: r['best_error'])
            best = min(ok, key=lambda r: r['best_error'])
            print(f'  {name:32} worst {worst["best_error"]:.6g} (seed {worst["seed"]})'
                  f'  best {best["best_error"]:.6g} (seed {best["seed"]})'
                  f'  [{len(ok)} of {sum(r["example"] == name for r in results)} ran]')


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--examples', help='folder with the example scripts and CSVs')
    ap.add_argument('--package', default='brian2modelfitting')
    ap.add_argument('--seeds', default='1,2,3')
    ap.add_argument('--only', nargs='+', choices=EXAMPLES, help='subset of examples')
    ap.add_argument('--json', help='write all results to this file')
    ap.add_argument('--timeout', type=float, default=900, help='seconds per run')
    ap.add_argument('--logdir', help='save each child stdout/stderr here')
    ap.add_argument('--child', help=argparse.SUPPRESS)  # internal: example path
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(',') if s.strip()]
    if args.child:
        return run_child(args.child, args.package, seeds[0])
    if not args.examples:
        ap.error('--examples is required')

    results = []
    for name in args.only or EXAMPLES:
        for seed in seeds:
            res = run_one(args, name, seed)
            status = res.get('failed') or f'error {res["best_error"]:.6g}'
            print(f'[{name} seed {seed}] {status}, {res["process_s"]:.1f} s', flush=True)
            results.append(res)
    report(results)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 0 if all('failed' not in r for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
