/** A growable typed array: the vectorizer's per-term and per-entry columns. */
export class Column<T extends Int32Array | Uint16Array | Uint8Array> {
  data: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    capacity = 1024,
  ) {
    this.data = make(capacity);
  }
  /**
   * Room for `n` values in all, made at once: appending a known number of values grows the array
   * once to its size, not by half again and again (each step a copy beside the old array: for a
   * million reports' counts, gigabytes).
   */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const d = this.make(n);
    d.set(this.data.subarray(0, this.length));
    this.data = d;
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const d = this.make(Math.ceil(this.data.length * 1.5) + 16);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
}

export const int32 = (n: number) => new Int32Array(n);
export const uint16 = (n: number) => new Uint16Array(n);
export const uint8 = (n: number) => new Uint8Array(n);
