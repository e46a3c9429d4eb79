// A small seeded PRNG (sfc32 seeded through splitmix32), so that random and
// PCT runs are exactly reproducible from a printed seed. Never Math.random.

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

export interface Rng {
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** A uniform 32-bit unsigned integer. */
  u32(): number;
}

/** The generator of run `run` of a search with seed `seed`. */
export function rng(seed: number, run = 0): Rng {
  const sm = splitmix32((seed >>> 0) ^ Math.imul(run + 1, 0x85ebca6b));
  let a = sm(), b = sm(), c = sm(), d = sm();
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  return { u32, int: (n) => (n <= 1 ? 0 : Math.floor((u32() / 4294967296) * n)) };
}
