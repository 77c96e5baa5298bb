#!/usr/bin/env python3
"""scipy's getptc (TNC's step-length search) step by step, for test/tnc-getptc-steps-pins.test.ts (issue 21).

Regenerate (needs a C compiler and scipy's tnc.c, which is NOT in this repository):
    git clone --depth 1 --branch v1.17.1 https://github.com/scipy/scipy /tmp/scipy   # or any checkout of v1.17.1
    python3 scripts/ref/tnc_getptc/run.py /tmp/scipy/scipy/optimize/tnc
  (the argument is the folder holding tnc.c and tnc.h: scipy/optimize/tnc/ from 1.8 on; the fixture was made
  from scipy v1.17.1, the installed version, whose getptcInit/getptcIter are unchanged since 1.8)
    python3 scripts/ref/tnc_getptc/run.py <dir> --coverage   # also prints gcov's line and branch coverage of
                                                              # getptcInit/getptcIter over these scenarios

It compiles harness.c (which #includes tnc.c, so the static getptcInit/getptcIter are callable) with
`cc -O2 -ffp-contract=off` (no fused multiply-add: the TS port rounds every operation), then, for each scenario
below, starts the harness, gives it the setup (linearSearch's parameters: reltol, abstol, tnytol, fpresn, eta,
μ = 1e-4, xbnd, the first step u, φ(0), φ'(0)) and answers every trial with φ and φ' at xmin + u from the
scenario's function, recording the full state after getptcInit and after every getptcIter. Numbers go both ways
as C99 hex floats, so nothing is rounded. Writes packages/nn/test/fixtures/optim/tnc-getptc-steps.json.

The functions are closed forms along the search line (polynomials, a smoothed |x|, f rising where the slope says
it falls, a plateau) or a table of answers given in order whatever the trial: getptc never checks that φ' is the
derivative of φ, and a table reaches branches a smooth φ reaches only by luck (exact ties with the chord, huge
and tiny slopes for the overflow guard of the r² + s² root, NaN). Scenarios were chosen by gcov's branch coverage
of getptc and by the mutants StrykerJS left alive in src/optim/tnc/linesearch.ts; a seeded random set adds
breadth.
"""
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
OUT = os.path.join(ROOT, 'packages', 'nn', 'test', 'fixtures', 'optim', 'tnc-getptc-steps.json')
SCIPY_VERSION = '1.17.1'
EPS = 2.220446049250313e-16
RTEPS = math.sqrt(EPS)
MAX_STEPS = 64  # linearSearch's maxlsit

FIELDS = ['rc', 'u', 'fu', 'gu', 'xmin', 'fmin', 'gmin', 'xw', 'fw', 'gw', 'a', 'b', 'oldf', 'b1', 'scxbnd', 'e',
          'step', 'factor', 'braktd', 'gtest1', 'gtest2', 'tol', 'reltol', 'abstol']


# ---- the functions along the line: phi(alpha) -> (value, slope) --------------------------------------------------

def poly(c):
    """phi = sum c[k] alpha^k."""
    def phi(t):
        f = 0.0
        g = 0.0
        for k in range(len(c) - 1, -1, -1):
            f = f * t + c[k]
        for k in range(len(c) - 1, 0, -1):
            g = g * t + k * c[k]
        return f, g
    return phi


def smooth_abs(k, m, slope=0.0):
    """phi = sqrt(1 + (k (alpha - m))^2) / k + slope alpha: a sharp valley at m, a bad fit for a cubic."""
    def phi(t):
        z = k * (t - m)
        s = math.sqrt(1 + z * z)
        return s / k + slope * t, z / s + slope
    return phi


def liar(k, g):
    """phi = k alpha rises, while the slope reported is always g < 0 (scipy's LSFAIL on such a gradient)."""
    return lambda t: (k * t, g)


def table(rows, then=None):
    """The answers, in order, whatever the trial (getptc does not check them against each other); after the last
    row, `then` answers (a closed form)."""
    it = iter(rows)

    def phi(t):
        row = next(it, None)
        return row if row is not None else then(t)
    return phi


# ---- the setup as linearSearch computes it for a 1-D problem, then overridden per scenario ----------------------

def tnc_setup(phi, xnorm=0.0, pnorm=1.0, u=1.0, eta=0.25, xbnd=10.0, fpresn=0.0, f0=None, g0=None, **over):
    """linearSearch's parameters; phi(0) gives f0 and g0 unless they are given (a table's rows are the trials)."""
    if f0 is None or g0 is None:
        f, g = phi(0.0)
        f0 = f if f0 is None else f0
        g0 = g if g0 is None else g0
    pe = pnorm + EPS
    s = dict(reltol=RTEPS * (xnorm + 1) / pe, abstol=-EPS * (1 + abs(f0)) / (g0 - EPS),
             tnytol=EPS * (xnorm + 1) / pe, fpresn=fpresn, eta=eta, xbnd=xbnd, u=u, f0=f0, g0=g0)
    s.update(over)
    return s


def scenarios():
    out = []

    def add(name, why, phi, **setup):
        out.append((name, why, phi, tnc_setup(phi, **setup)))

    q = lambda m, f0=0.0: poly([f0 + m * m, -2 * m, 1.0])  # (alpha - m)^2 + f0
    # getptcInit's checks and first step
    add('init u = 0', 'u <= 0 is refused', q(1), u=0.0)
    add('init u < 0', 'u <= 0 is refused', q(1), u=-1.0)
    add('init xbnd = tnytol', 'xbnd <= tnytol is refused', q(1), xbnd=EPS, tnytol=EPS)
    add('init xbnd < tnytol', 'xbnd <= tnytol is refused', q(1), xbnd=EPS / 2, tnytol=EPS)
    add('init xbnd just above tnytol', 'the bound check passes by one ulp', q(1e-16), xbnd=EPS * (1 + EPS),
        tnytol=EPS, u=1e-16)
    add('init g > 0', 'an uphill direction is refused', poly([0.0, 1e-300, 1.0]))
    add('init g = 0', 'a zero slope passes the check', poly([1.0, 0.0, 1.0]))
    add('init xbnd < abstol', 'abstol is cut to xbnd', q(0.3), xbnd=1e-3, abstol=1e-2, u=1e-3)
    add('init xbnd = abstol', 'abstol is kept', q(0.3), xbnd=1e-3, abstol=1e-3, u=1e-3)
    add('init u > xbnd', 'the first step is clipped to the bound, which moves in', q(5), u=20.0, xbnd=2.0)
    add('init u = xbnd', 'a step on the bound is clipped too', q(5), u=2.0, xbnd=2.0)
    add('init u < tol', 'a tiny first step becomes tol', q(1e-3), u=1e-12, abstol=1e-9)
    # smooth functions
    add('quadratic, minimum inside the first step', 'bracketed at once, cubic steps', q(0.3))
    add('quadratic, minimum at the first step', 'accepted at once', q(1.0))
    add('quadratic, minimum far out', 'extrapolation with a growing factor', q(40.0), xbnd=1e3)
    add('quadratic, minimum past the bound', 'extrapolation clipped at the bound', q(40.0), xbnd=7.0)
    add('quadratic, tight eta', 'more cubic steps', q(0.37), eta=0.01)
    add('quadratic, eta 0.9', 'the loosest curvature test', q(3.3), eta=0.9, xbnd=100.0)
    add('double well', 'a quartic: cubic fits with both slope signs',
        poly([0.0, -1.0, -3.0, 0.0, 1.0]), u=3.0)
    add('double well, small step', 'extrapolation into a quartic', poly([0.0, -0.5, -3.0, 0.0, 1.0]), u=0.05)
    add('sharp valley', 'smoothed |x|: the cubic overshoots', smooth_abs(1e4, 0.7), eta=0.01)
    add('sharp valley, far', 'smoothed |x| beyond the first step', smooth_abs(1e3, 2.6), eta=0.01)
    add('soft valley', 'smoothed |x| with a tilt', smooth_abs(2.0, 1.5, -0.05), eta=0.1)
    add('liar', 'f rises where the slope says it falls: tol shrinks until it gives up', liar(1.0, -1.0),
        fpresn=1e-12)
    add('liar, fpresn large', 'the change in f is within fpresn: gives up when the interval closes',
        liar(1e-9, -1.0), fpresn=1e-3, abstol=1e-3)
    add('plateau', 'f does not change at all: gives up when the interval closes', poly([2.0, 0.0]), g0=-1.0,
        fpresn=0.0, abstol=1e-3)
    add('plateau, fpresn = |f0 - fw|', 'the flatness test at equality',
        table([(2.0 + 2 ** -20, -1.0)], poly([2.0 + 2 ** -20, 0.0])), f0=2.0, g0=-1.0, fpresn=2 ** -20, abstol=1e-3)
    # tables: the chord, the overflow guard, exact ties
    # The chord: f0 = 0, g0 = -1, so gtest1 = 1e-4 and the chord at alpha is -1e-4 alpha.
    well = poly([0.0, -1.0, 0.1])  # what answers once a table's rows are used up
    add('lower, not sufficiently, at xmin = 0', 'the fictitious value with gu = -gmin, clamped to fmin',
        table([(-1e-5, -0.5)], well), f0=0.0, g0=-1.0)
    add('lower, not sufficiently, after a move', 'the fictitious value from the chord (denominator 5e-5)',
        table([(-1.5e-4, -1.0), (-2e-4, -0.5)], well), f0=0.0, g0=-1.0)
    add('lower, not sufficiently, clamped', 'the fictitious value falls below fmin and is raised to it',
        table([(-5e-4, -1.0), (-5e-4, -0.5)], well), f0=0.0, g0=-1.0)
    add('chord tie at xmin', 'fmin exactly on the chord: denominator 0 -> 1e-15',
        table([(-1e-4, -1.0), (-1.5e-4, -1.0)], well), f0=0.0, g0=-1.0)
    add('chord nearly tied', 'denominator 5e-16 -> 1e-15', table([(-5e-16, -1.0), (-6e-16, -1.0)], well),
        f0=1e-4, g0=-1.0)
    add('chord denominator exactly 1e-15', 'kept as it is', table([(-1e-15, -1.0), (-2e-15, -1.0)], well),
        f0=1e-4, g0=-1.0)
    add('exactly on the chord', 'fu = chord is sufficient', table([(-1e-4, -2.0)], well), f0=0.0, g0=-1.0)
    add('equal to fmin', 'fu = fmin counts as lower (then insufficient)', table([(0.0, -2.0)], well), f0=0.0,
        g0=-1.0)
    # The r^2 + s^2 root: huge slopes of opposite signs overflow the guard (q = big), tiny ones underflow.
    add('huge opposite slopes', 'q = big = 1/eps^2', table([(1.0, 1e32), (-1.0, -1e33)], well), f0=0.0, g0=-1e32)
    add('huge, r dominant', 'absr >= s, both huge', table([(1e40, 1e31)], well), f0=0.0, g0=-1e31)
    add('tiny opposite slopes', 'absr and s below rtsmll', table([(0.0, 1e-40), (0.0, -1e-30)], well), f0=0.0,
        g0=-1e-40, abstol=1e-12)
    add('r tiny against s', 'absr < s * rtsmll: sumsq stays 1', table([(0.0, 1e-3)], well), f0=0.0, g0=-1e-3)
    # The cubic step is kept only when it lies beyond half the last interval (scipy's test, |s| <= |q r / 2| rejects):
    # in practice only when extrapolating towards a far bound with slopes that flatten slowly.
    add('cubic kept', 'extrapolating, the cubic minimum (6.64) beyond half the last interval',
        table([(-0.1, -1.0), (-0.5825, -0.93)], poly([0.0, -1.0, 0.07])), f0=0.0, g0=-1.0, u=0.1)
    add('cubic kept, too close to b', 'the cubic minimum within 2 tol of b: the step becomes +tol',
        table([(-0.1, -1.0), (-0.1 + 0.25 * (-1 - 0.94949), -0.94949)], poly([0.0, -1.0, 0.07])), f0=0.0, g0=-1.0,
        u=0.1, abstol=1e-3)
    add('cubic past b1', 'the cubic minimum just beyond the clipped extrapolation: rejected',
        table([(-0.1, -1.0), (-0.1 + 0.25 * (-1 - 0.9495), -0.9495)], poly([0.0, -1.0, 0.07])), f0=0.0, g0=-1.0,
        u=0.1, abstol=1e-3)
    # Exact ties on the tests' bounds.
    add('curvature tie', '|gmin| = gtest2 exactly (eta 0.25): accepted', table([(-0.5, -0.25)], well), f0=0.0,
        g0=-1.0)
    add('curvature tie, positive slope', '|gmin| = gtest2 exactly: accepted', table([(-0.5, 0.25)], well), f0=0.0,
        g0=-1.0)
    add('curvature just missed', '|gmin| one ulp above gtest2', table([(-0.5, -0.25000000000000006)], well),
        f0=0.0, g0=-1.0)
    add('interval tie', '|xmidpt| = 2 tol - (b - a)/2 exactly (b = u = 2 abstol): converged, then tightened',
        table([(1.0, 1.0)], well), f0=0.0, g0=-1.0, abstol=1e-3, u=2e-3)
    add('bound tie', '|xmin - xbnd| = tol exactly (reltol 0) with the curvature met: not converged',
        table([(-0.5, 0.1)], well), f0=0.0, g0=-1.0, reltol=0.0, abstol=0.25, xbnd=1.25, u=1.0)
    add('bound tie missed', '|xmin - xbnd| one step past tol: converged',
        table([(-0.5, 0.1)], well), f0=0.0, g0=-1.0, reltol=0.0, abstol=0.25, xbnd=1.5, u=1.0)
    add('tnytol tie', 'the tightened tol equals tnytol: one more round', liar(1.0, -1.0), fpresn=0.0, abstol=1e-3,
        tnytol=0.1 * (0.1 * 1e-3))
    add('NaN answer', 'a NaN value is no decrease', table([(float('nan'), float('nan'))], well), f0=0.0, g0=-1.0)
    return out


def answered(seed, loose=False):
    """Random answers chosen against the search's state (answers()), with random TNC-like tolerances, or (loose)
    with a tolerance so large that the search places trials at +-tol and within tol of the interval's ends."""
    rng = random.Random(seed)
    f0, g0 = rng.uniform(-1, 1), -10 ** rng.uniform(-3, 1)
    setup = tnc_setup(None, f0=f0, g0=g0, u=10 ** rng.uniform(-3, 1), eta=rng.choice([0.01, 0.25, 0.5, 0.9]),
                      xbnd=10 ** rng.uniform(-1, 2), xnorm=rng.uniform(0, 10), abstol=10 ** rng.uniform(-16, -3),
                      reltol=10 ** rng.uniform(-10, -4), tnytol=10 ** rng.uniform(-19, -13),
                      fpresn=rng.choice([0.0, 1e-12, 1e-6, 1e-3]))
    if loose:
        setup.update(abstol=10 ** rng.uniform(-3, -1), xbnd=10 ** rng.uniform(-1, 0.5))
    name = f'answers{", loose tol" if loose else ""}, seed {seed}'
    return (name, 'random answers against the state', answers(random.Random(rng.random())), setup)


def answered_loose(seed):
    return answered(seed, loose=True)


def random_scenarios(count, seed):
    """Seeded breadth: random polynomials and smoothed |x| along the line with random TNC-like setups, and random
    answers chosen against the search's own state (higher or lower than fmin, on either side of the chord, exactly
    on it or on fmin, slopes of both signs over many scales) with random tolerances."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = rng.choice(['poly', 'abs', 'answers', 'answers', 'answers'])
        common = dict(u=10 ** rng.uniform(-3, 1), eta=rng.choice([0.01, 0.25, 0.5, 0.9]),
                      xbnd=10 ** rng.uniform(-1, 2), xnorm=rng.uniform(0, 10))
        if kind == 'poly':
            c = [rng.uniform(-1, 1), -rng.uniform(0.01, 2)] + [rng.uniform(-2, 2) for _ in range(rng.randint(1, 3))]
            c.append(rng.uniform(0.1, 2))
            out.append((f'random {i}: polynomial', 'seeded breadth', poly(c), tnc_setup(poly(c), **common)))
        elif kind == 'abs':
            phi = smooth_abs(10 ** rng.uniform(0, 4), rng.uniform(0.01, 5), rng.uniform(-0.5, 0))
            out.append((f'random {i}: smoothed |x|', 'seeded breadth', phi, tnc_setup(phi, **common)))
        else:
            f0, g0 = rng.uniform(-1, 1), -10 ** rng.uniform(-3, 1)
            common.update(f0=f0, g0=g0, abstol=10 ** rng.uniform(-16, -3), reltol=10 ** rng.uniform(-10, -4),
                          tnytol=10 ** rng.uniform(-19, -13), fpresn=rng.choice([0.0, 1e-12, 1e-6, 1e-3]))
            out.append((f'random {i}: answers from the state', 'seeded breadth', answers(random.Random(rng.random())),
                        tnc_setup(None, **common)))
    return out


def cubic_regime(seed, scale=1.0):
    """A search that extrapolates towards a bound, where scipy keeps the cubic step (it rejects a cubic step shorter
    than half the last interval, so a kept one lies in the far half): phi' = (t/m - 1)(1 + k1 t + k2 t^2), a
    minimum at m (random, around the bound) and a random bend, from a small first step."""
    rng = random.Random(seed)
    xbnd = rng.uniform(0.5, 20)
    m = xbnd * rng.uniform(0.3, 1.5)
    k1 = rng.uniform(-1, 2) / m
    k2 = rng.uniform(-0.5, 1) / (m * m)
    g = [-1.0, 1 / m - k1, k1 / m - k2, k2 / m]  # coefficients of phi'
    c = [0.0] + [scale * g[k] / (k + 1) for k in range(4)]
    setup = tnc_setup(poly(c), u=xbnd * 10 ** rng.uniform(-2.5, -0.5), xbnd=xbnd,
                      abstol=10 ** rng.uniform(-12, -2), eta=rng.choice([0.01, 0.25, 0.9]))
    name = f'cubic regime{f", phi scaled by {scale:g}" if scale != 1 else ""}, seed {seed}'
    return (name, 'the cubic step kept, in one of its configurations', poly(c), setup)


def cubic_regime_huge(seed):
    """cubic_regime with phi scaled by 1e33: the r^2 + s^2 root overflows its guard and q = big = 1/eps^2."""
    return cubic_regime(seed, 1e33)


# The seeds of cubic_regime(0..399) whose search keeps a cubic step (gcov on harness.c: the line `*step = s / q`
# of getptcIter executed), so the cubic fit's arithmetic shows in the state.
CUBIC_SEEDS = [16, 18, 29, 39, 44, 47, 61, 65, 74, 87, 110, 116, 127, 137, 143, 146, 148, 164, 168, 171, 180, 182,
               183, 184, 206, 230, 232, 242, 246, 251, 262, 271, 272, 276, 279, 285, 290, 295, 304, 307, 326, 329,
               331, 349, 353, 355, 358, 360, 362, 364, 375, 394, 396, 397,
               # and from 400..2999, the five whose kept cubic has slopes of opposite signs with |r| >= s
               771, 985, 1021, 1788, 2818]
# cubic_regime_huge: a kept cubic step where q = big (same and opposite signs, |r| < s and >= s). These and the
# opposite-sign seeds above were found with a copy of tnc.c that prints which branch of the fit a kept step took.
HUGE_SEEDS = [65, 164, 206, 232, 295, 771, 985, 1021]
# cubic_regime scaled so that the larger of |r| and s sits near big: sqrt(r^2 + s^2) just above or below the guard.
NEAR_BIG = [(2e31, [65, 331, 771, 985]), (4e31, [65, 331, 415, 771, 985, 1021])]

# The seeds of answered(0..2999) and answered_loose(0..1499) whose search reaches a branch nothing else here does
# (gcov): the far side of the bracket with -xw/d2 < 1 (step = d2 sqrt(ratio) / 2), a kept cubic step, and a kept
# cubic step too close to the interval's left end (step = -tol).
ANSWER_SEEDS = [516, 617, 1001, 1531, 2018, 2479, 2498, 2501, 2658]
LOOSE_SEEDS = [169, 1101, 1440]


def answers(rng):
    """Answers chosen against the state the search is in (phi(t, state)), not a function of t."""
    def phi(t, st):
        fmin, gmin = st['fmin'], st['gmin']
        chordu = st['oldf'] - t * st['gtest1']
        scale = 10 ** rng.uniform(-12, 0)
        kind = rng.choice(['higher', 'higher', 'sufficient', 'sufficient', 'insufficient', 'insufficient', 'fmin',
                           'chord'])
        if kind == 'higher':
            fu = fmin + scale * (1 + abs(fmin))
        elif kind == 'sufficient':
            fu = min(fmin, chordu) - scale * (1 + abs(fmin))
        elif kind == 'insufficient' and chordu < fmin:
            fu = chordu + rng.random() * (fmin - chordu)
        elif kind == 'chord' and chordu <= fmin:
            fu = chordu
        else:
            fu = fmin
        gk = rng.choice(['neg', 'neg', 'pos', 'pos', 'zero', 'minus gmin'])
        mag = 10 ** rng.uniform(-6, 2)
        gu = {'neg': -mag, 'pos': mag, 'zero': 0.0, 'minus gmin': -gmin}[gk]
        return fu, gu
    phi.stateful = True
    return phi


# ---- the driver ---------------------------------------------------------------------------------------------------

def build(tnc_dir, work, coverage):
    exe = os.path.join(work, 'harness')
    cmd = ['cc', '-O0' if coverage else '-O2', '-ffp-contract=off', '-std=c99', '-I', tnc_dir,
           os.path.join(HERE, 'harness.c'), '-o', exe, '-lm']
    if coverage:
        cmd[1:1] = ['--coverage']
    subprocess.run(cmd, check=True, cwd=work)
    return exe


def hexf(x):
    return float.hex(float(x))


def run_one(exe, phi, s):
    proc = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=os.path.dirname(exe))
    order = ['reltol', 'abstol', 'tnytol', 'fpresn', 'eta', 'rmu', 'xbnd', 'u', 'f0', 'g0']
    values = dict(s, rmu=1e-4)
    proc.stdin.write(' '.join(hexf(values[k]) for k in order) + '\n')
    proc.stdin.flush()
    states, inputs = [], []
    while True:
        line = proc.stdout.readline().split()
        st = {k: (int(v) if k in ('rc', 'braktd') else float.fromhex(v)) for k, v in zip(FIELDS, line)}
        states.append(st)
        if st['rc'] != 1 or len(inputs) >= MAX_STEPS:
            break
        t = st['xmin'] + st['u']
        fu, gu = phi(t, st) if getattr(phi, 'stateful', False) else phi(t)
        inputs.append([fu, gu])
        proc.stdin.write(f'{hexf(fu)} {hexf(gu)}\n')
        proc.stdin.flush()
    proc.stdin.close()
    proc.wait()
    return states, inputs


def num(x):
    if isinstance(x, float) and not math.isfinite(x):
        return 'NaN' if math.isnan(x) else ('Infinity' if x > 0 else '-Infinity')
    return x


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    coverage = '--coverage' in sys.argv
    if len(args) != 1 or not os.path.exists(os.path.join(args[0], 'tnc.c')):
        sys.exit('usage: run.py <scipy>/scipy/optimize/tnc [--coverage]')
    tnc_dir = os.path.abspath(args[0])
    work = tempfile.mkdtemp(prefix='tnc-getptc-')
    try:
        exe = build(tnc_dir, work, coverage)
        runs = []
        for name, why, phi, s in (scenarios() + [cubic_regime(k) for k in CUBIC_SEEDS]
                                  + [cubic_regime_huge(k) for k in HUGE_SEEDS]
                                  + [cubic_regime(k, sc) for sc, ks in NEAR_BIG for k in ks] + [answered(k) for k in ANSWER_SEEDS]
                                  + [answered_loose(k) for k in LOOSE_SEEDS] + random_scenarios(60, 21)):
            states, inputs = run_one(exe, phi, s)
            runs.append({
                'name': name, 'why': why,
                'setup': {k: num(v) for k, v in s.items()},
                'inputs': [[num(v) for v in row] for row in inputs],
                'states': [None if st['rc'] == 2 else [num(st[k]) for k in FIELDS] for st in states],
            })
        if coverage:
            subprocess.run(['gcov', '-b', '-o', work, os.path.join(HERE, 'harness.c')], cwd=work, check=True)
            print('gcov output (tnc.c.gcov: getptcInit/getptcIter) in', work)
    finally:
        if not coverage:
            shutil.rmtree(work, ignore_errors=True)
    doc = {
        'generator': 'scripts/ref/tnc_getptc/run.py',
        'reference': f'scipy {SCIPY_VERSION} scipy/optimize/tnc/tnc.c getptcInit/getptcIter, driven by harness.c',
        'fields': FIELDS,  # each state is a list in this order; null where getptcInit refused (nothing set)
        'runs': runs,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump(doc, fh, indent=None, separators=(',', ':'), allow_nan=False)
        fh.write('\n')
    print(f'{len(runs)} runs, {sum(len(r["states"]) for r in runs)} states -> {os.path.relpath(OUT, ROOT)}')


if __name__ == '__main__':
    main()
