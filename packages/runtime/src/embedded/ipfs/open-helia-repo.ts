import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type UnixFS, unixfs } from "@helia/unixfs";
import { FsBlockstore } from "blockstore-fs";
import { FsDatastore } from "datastore-fs";
import { createHeliaLight, type Helia } from "helia";

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
  const helia = createHeliaLight({ blockstore, datastore });
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
