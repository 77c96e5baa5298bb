/*
 * Step-level driver for scipy's getptcInit / getptcIter (Gill & Murray's step-length search in
 * scipy/optimize/tnc/tnc.c). Our own code: tnc.c is not copied into this repository, it is #included from the
 * scipy checkout given to the compiler with -I (see run.py), so its static functions are reachable here.
 *
 * Protocol (one line each, numbers as C99 hex floats "%a" so nothing is lost in either direction):
 *   stdin  line 1:  reltol abstol tnytol fpresn eta rmu xbnd u f0 g0
 *   stdout         the state after getptcInit
 *   stdin  then:   fu gu   (phi and phi' at xmin + u, the point the last state asked for)
 *   stdout         the state after getptcIter
 * until a state's rc is not GETPTC_EVAL. A state line is
 *   rc u fu gu xmin fmin gmin xw fw gw a b oldf b1 scxbnd e step factor braktd gtest1 gtest2 tol reltol abstol
 * (fu and gu as getptcIter left them: the fictitious value when the trial lacked sufficient decrease).
 */
#include "tnc.c"

static void print_state(int rc, double u, double fu, double gu, double xmin, double fmin, double gmin,
                        double xw, double fw, double gw, double a, double b, double oldf, double b1,
                        double scxbnd, double e, double step, double factor, logical braktd, double gtest1,
                        double gtest2, double tol, double reltol, double abstol) {
  printf("%d %a %a %a %a %a %a %a %a %a %a %a %a %a %a %a %a %a %d %a %a %a %a %a\n", rc, u, fu, gu, xmin,
         fmin, gmin, xw, fw, gw, a, b, oldf, b1, scxbnd, e, step, factor, braktd ? 1 : 0, gtest1, gtest2, tol,
         reltol, abstol);
  fflush(stdout);
}

int main(void) {
  double reltol, abstol, tnytol, fpresn, eta, rmu, xbnd, u, fu, gu;
  double xmin = 0, fmin = 0, gmin = 0, xw = 0, fw = 0, gw = 0, a = 0, b = 0, oldf = 0, b1 = 0, scxbnd = 0, e = 0,
         step = 0, factor = 0, gtest1 = 0, gtest2 = 0, tol = 0;
  logical braktd = TNC_FALSE;
  /* As linearSearch sets them. */
  const double rtsmll = DBL_EPSILON;
  const double big = 1.0 / (DBL_EPSILON * DBL_EPSILON);

  if (scanf("%la %la %la %la %la %la %la %la %la %la", &reltol, &abstol, &tnytol, &fpresn, &eta, &rmu, &xbnd,
            &u, &fu, &gu) != 10) {
    fprintf(stderr, "harness: expected the setup line\n");
    return 2;
  }
  getptc_rc rc = getptcInit(&reltol, &abstol, tnytol, eta, rmu, xbnd, &u, &fu, &gu, &xmin, &fmin, &gmin, &xw,
                            &fw, &gw, &a, &b, &oldf, &b1, &scxbnd, &e, &step, &factor, &braktd, &gtest1,
                            &gtest2, &tol);
  print_state(rc, u, fu, gu, xmin, fmin, gmin, xw, fw, gw, a, b, oldf, b1, scxbnd, e, step, factor, braktd,
              gtest1, gtest2, tol, reltol, abstol);
  while (rc == GETPTC_EVAL) {
    int got = scanf("%la %la", &fu, &gu);
    if (got == EOF) return 0; /* the driver stopped the run (its step cap) */
    if (got != 2) {
      fprintf(stderr, "harness: expected fu gu\n");
      return 2;
    }
    rc = getptcIter(big, rtsmll, &reltol, &abstol, tnytol, fpresn, xbnd, &u, &fu, &gu, &xmin, &fmin, &gmin, &xw,
                    &fw, &gw, &a, &b, &oldf, &b1, &scxbnd, &e, &step, &factor, &braktd, &gtest1, &gtest2, &tol);
    print_state(rc, u, fu, gu, xmin, fmin, gmin, xw, fw, gw, a, b, oldf, b1, scxbnd, e, step, factor, braktd,
                gtest1, gtest2, tol, reltol, abstol);
  }
  return 0;
}
