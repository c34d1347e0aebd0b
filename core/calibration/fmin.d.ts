// Types for the part of fmin (github.com/benfred/fmin, BSD-3-Clause) the calibration uses.
declare module 'fmin/index.js' {
  export interface NelderMeadParameters {
    maxIterations?: number;
    nonZeroDelta?: number;
    zeroDelta?: number;
    minErrorDelta?: number;
    minTolerance?: number;
    rho?: number;
    chi?: number;
    psi?: number;
    sigma?: number;
  }
  export interface Solution {
    x: number[];
    fx: number;
  }
  export function nelderMead(f: (x: number[]) => number, x0: number[], parameters?: NelderMeadParameters): Solution;
}
