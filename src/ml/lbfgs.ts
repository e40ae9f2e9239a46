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
  let spareS: Float64Array | null = null;
  let spareY: Float64Array | null = null;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if (maxAbs(g) <= tol * g0) break;
    // two-loop recursion: dir = -H g. Each update of `dir` is fused with the dot product the next
    // step needs (the same sums in the same order): the history is read once per step, not twice
    const L = S.length;
    let a = 0;
    if (L > 0) {
      const sm = S[L - 1]!;
      let d = 0;
      for (let i = 0; i < n; i++) {
        const v = -g[i]!;
        dir[i] = v;
        d += sm[i]! * v;
      }
      a = rho[L - 1]! * d;
    } else for (let i = 0; i < n; i++) dir[i] = -g[i]!;
    for (let m = L - 1; m >= 0; m--) {
      alphas[m] = a;
      const y = Y[m]!;
      if (m > 0) {
        const sPrev = S[m - 1]!;
        let d = 0;
        for (let i = 0; i < n; i++) {
          const v = dir[i]! - a * y[i]!;
          dir[i] = v;
          d += sPrev[i]! * v;
        }
        a = rho[m - 1]! * d;
      } else for (let i = 0; i < n; i++) dir[i] = dir[i]! - a * y[i]!;
    }
    if (L > 0) {
      const gamma = dot(S[L - 1]!, Y[L - 1]!) / dot(Y[L - 1]!, Y[L - 1]!);
      const y0 = Y[0]!;
      let d = 0;
      for (let i = 0; i < n; i++) {
        const v = dir[i]! * gamma;
        dir[i] = v;
        d += y0[i]! * v;
      }
      let b = rho[0]! * d;
      for (let m = 0; m < L; m++) {
        const sm = S[m]!;
        const c = alphas[m]! - b;
        if (m + 1 < L) {
          const yNext = Y[m + 1]!;
          let e = 0;
          for (let i = 0; i < n; i++) {
            const v = dir[i]! + c * sm[i]!;
            dir[i] = v;
            e += yNext[i]! * v;
          }
          b = rho[m + 1]! * e;
        } else for (let i = 0; i < n; i++) dir[i] = dir[i]! + c * sm[i]!;
      }
    } else {
      const sc = 1 / Math.max(1e-12, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) dir[i] = dir[i]! * sc;
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
    // s and y are written into spare arrays; a pair pushed out of the history becomes the spares,
    // so a full history allocates nothing per iteration
    const s: Float64Array = spareS ?? new Float64Array(n);
    const y: Float64Array = spareY ?? new Float64Array(n);
    spareS = s;
    spareY = y;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      const si = xNew[i]! - x[i]!;
      const yi = gNew[i]! - g[i]!;
      s[i] = si;
      y[i] = yi;
      sy += si * yi;
    }
    if (sy > 1e-10) {
      spareS = null;
      spareY = null;
      if (S.length === memory) {
        spareS = S.shift()!;
        spareY = Y.shift()!;
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
