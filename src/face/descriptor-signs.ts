// A descriptor's sign bits: one bit per entry (1 where the entry is above zero), packed eight to a byte in
// sqlite-vec's order (entry i is bit i % 8 of byte i / 8, as vec_quantize_binary packs them), the last
// byte padded with zeros. Sixteen bytes for a 128-d descriptor: the Hamming distance between two of them is
// the cheap first pass of a nearest-neighbour search, whose candidates are then compared exactly.

export function signBitsLength(descriptorLength: number): number {
  return Math.ceil(descriptorLength / 8) * 8;
}

export function descriptorSigns(descriptor: ArrayLike<number>): Uint8Array {
  const signs = new Uint8Array(signBitsLength(descriptor.length) / 8);
  for (let i = 0; i < descriptor.length; i++) if (descriptor[i] > 0) signs[i >> 3] |= 1 << (i & 7);
  return signs;
}
