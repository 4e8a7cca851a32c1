import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type UnixFS, unixfs } from "@helia/unixfs";
import { FsBlockstore } from "blockstore-fs";
import { FsDatastore } from "datastore-fs";
import type { createHeliaLight, Helia, HeliaInit } from "helia";

export interface HeliaRepo {
  helia: Helia;
  fs: UnixFS;
  close(): Promise<void>;
}

/**
 * Helia without libp2p, bitswap or HTTP block brokers (createHeliaLight): every read
 * is answered from the local filesystem stores or fails, nothing ever dials out.
 * Blocks live in `<repo>/blocks`, pins and other metadata in `<repo>/datastore`.
 */
export async function openHeliaRepo(repo: string): Promise<HeliaRepo> {
  mkdirSync(repo, { recursive: true });
  const blockstore = new FsBlockstore(join(repo, "blocks"));
  const datastore = new FsDatastore(join(repo, "datastore"));
  await blockstore.open();
  await datastore.open();
  const helia = (await loadCreateHeliaLight())({ blockstore, datastore });
  await helia.start();
  return {
    helia,
    fs: unixfs(helia),
    async close() {
      await helia.stop();
      await blockstore.close();
      await datastore.close();
    },
  };
}

/**
 * helia's entry point also imports libp2p, bitswap and the HTTP block brokers for its full
 * node, about a second of module loading (three quarters of this process's start) that a
 * light node never uses. Its Helia class is not exported on its own, so it is loaded from the
 * file beside the entry point, as createHeliaLight does; should a helia release move it, the
 * entry point is used instead.
 */
async function loadCreateHeliaLight(): Promise<typeof createHeliaLight> {
  const entry = import.meta.resolve("helia");
  try {
    const [{ Helia: HeliaClass }, { name, version }] = (await Promise.all([
      import(new URL("./helia.js", entry).href),
      import(new URL("./version.js", entry).href),
    ])) as [
      { Helia: new (init: HeliaInit & { name: string; version: string }) => Helia },
      { name: string; version: string },
    ];
    return (init = {}) => new HeliaClass({ name, version, ...init });
  } catch {
    return (await import("helia")).createHeliaLight;
  }
}
