// Name folding as the server does it (src/core/text.cpp Fold): NFD, marks dropped, đ → d, lower
// case, runs of space collapsed; so "nguyen" finds "Nguyễn" offline as it does online.
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[\u0110\u0111]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits; lower case, hyphenated. */
export function uuidv7(now = Date.now()): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = (b[6] & 0x0f) | 0x70; // version 7
  b[8] = (b[8] & 0x3f) | 0x80; // variant 10
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
