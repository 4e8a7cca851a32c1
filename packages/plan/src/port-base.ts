/**
 * Local targets give each stack a block of ports, so two stacks on one machine
 * do not collide and a stack keeps its ports from run to run.
 */

export const PORT_BLOCK_SIZE = 100;
// Blocks end below 32768, where Linux starts handing out ephemeral ports for outgoing
// connections: a stack's port must never be taken at random by some client socket.
const FIRST_BLOCK = 10000;
const BLOCK_COUNT = 227;

/** 32-bit FNV-1a of the UTF-8 bytes: tiny, stable, well spread for short names. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** First port of the stack's block: 10000 + (fnv1a(name) % 227) * 100, i.e. 10000..32600. */
export function defaultPortBase(stackName: string): number {
  return FIRST_BLOCK + (fnv1a32(stackName) % BLOCK_COUNT) * PORT_BLOCK_SIZE;
}
