// String keys, each with a whole number (a row number, a count), kept as 64-bit hashes in typed
// arrays instead of a Map of strings: 12 bytes a slot, two to four slots a key (24-48 bytes),
// against ~100 for a Map entry with its string, so that duplicate checks over millions of rows
// stay small. Two keys sharing a 64-bit hash would be taken for one (about one chance in 10^7
// over two million keys).

const EMPTY = 0;

/** Two independent 32-bit hashes of a string (cyrb53's mixing, both halves kept). */
function hash64(key: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

export class KeyIndex {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  /** The number kept with each key, plus one (0 marks a free slot). */
  private values = new Int32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The number kept with `key`, or undefined. */
  get(key: string): number | undefined {
    const [a, b] = hash64(key);
    const v = this.values[this.slot(a, b)]!;
    return v === EMPTY ? undefined : v - 1;
  }

  set(key: string, value: number): void {
    const [a, b] = hash64(key);
    this.put(this.slot(a, b), a, b, value);
  }

  /** The number kept with `key` if there is one; else keeps `value` with it and answers undefined. */
  getOrSet(key: string, value: number): number | undefined {
    const [a, b] = hash64(key);
    const s = this.slot(a, b);
    const known = this.values[s]!;
    if (known !== EMPTY) return known - 1;
    this.put(s, a, b, value);
    return undefined;
  }

  private put(s: number, a: number, b: number, value: number): void {
    if (this.values[s] === EMPTY) {
      this.hi[s] = a;
      this.lo[s] = b;
      this.count++;
    }
    this.values[s] = value + 1;
    if (this.count * 2 > this.values.length) this.grow();
  }

  /** Where the key's hash is, or the free slot where it goes (linear probing). */
  private slot(a: number, b: number): number {
    const mask = this.values.length - 1;
    let s = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    while (this.values[s] !== EMPTY && (this.hi[s] !== a || this.lo[s] !== b)) s = (s + 1) & mask;
    return s;
  }

  private grow(): void {
    const { hi, lo, values } = this;
    this.hi = new Uint32Array(values.length * 2);
    this.lo = new Uint32Array(values.length * 2);
    this.values = new Int32Array(values.length * 2);
    for (let i = 0; i < values.length; i++) {
      if (values[i] === EMPTY) continue;
      const s = this.slot(hi[i]!, lo[i]!);
      this.hi[s] = hi[i]!;
      this.lo[s] = lo[i]!;
      this.values[s] = values[i]!;
    }
  }
}
