/** Slabs notification bodies are written into, and how much of the current one is used. */
const SLAB_SIZE = 1 << 20;
/** Larger texts get a buffer of their own. */
const LARGEST_IN_SLAB = SLAB_SIZE >> 4;
let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let used = 0;

/**
 * `text` as UTF-8 bytes, for a body that is kept as long as its notification is. Written into a
 * large shared slab: `Buffer.from` would take a fresh 8 KiB pool every few bodies, and each of
 * those allocations costs more than encoding the body. Only the bytes written are ever visible.
 */
export function utf8Body(text: string): Buffer {
  // At most 3 bytes per UTF-16 code unit.
  const most = text.length * 3;
  if (most > LARGEST_IN_SLAB) return Buffer.from(text, 'utf8');
  if (used + most > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    used = 0;
  }
  const written = slab.write(text, used, 'utf8');
  const body = slab.subarray(used, used + written);
  // The next body starts 8-byte aligned.
  used += (written + 7) & ~7;
  return body;
}
