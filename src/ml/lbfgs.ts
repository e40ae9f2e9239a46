/** f(x) and its gradient, written into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIter: number;
  /** stop when ‖g‖∞ ≤ tol × max(1, ‖g₀‖∞) */
  tol: number;
  memory: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Limited-memory BFGS with an Armijo backtracking line search; minimises in place from x. */
export function lbfgs(
  f: Objective,
  x: Float64Array,
  opts: Partial<LbfgsOptions> = {},
): { value: number; iterations: number } {
  const { maxIter = 100, tol = 1e-4, memory = 10 } = opts;
  const n = x.length;
  const g = new Float64Array(n);
  let fx = f(x, g);
  const g0 = Math.max(1, maxAbs(g));
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alphas = new Float64Array(memory);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if (maxAbs(g) <= tol * g0) break;
    // two-loop recursion: dir = -H g
    for (let i = 0; i < n; i++) dir[i] = -g[i]!;
    for (let m = S.length - 1; m >= 0; m--) {
      const a = rho[m]! * dot(S[m]!, dir);
      alphas[m] = a;
      const y = Y[m]!;
      for (let i = 0; i < n; i++) dir[i] = dir[i]! - a * y[i]!;
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let i = 0; i < n; i++) dir[i] = dir[i]! * gamma;
    } else {
      const s = 1 / Math.max(1e-12, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) dir[i] = dir[i]! * s;
    }
    for (let m = 0; m < S.length; m++) {
      const b = rho[m]! * dot(Y[m]!, dir);
      const s = S[m]!;
      const a = alphas[m]!;
      for (let i = 0; i < n; i++) dir[i] = dir[i]! + (a - b) * s[i]!;
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // not a descent direction: restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i]!;
      slope = dot(g, dir);
    }
    let step = 1;
    let fNew = 0;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-10) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    x.set(xNew);
    g.set(gNew);
    const improvement = fx - fNew;
    fx = fNew;
    if (improvement <= 1e-10 * Math.max(1, Math.abs(fx))) break;
  }
  return { value: fx, iterations: iter };
}
