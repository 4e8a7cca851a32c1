/** IPFS: upload a file (pinned), the pinned CIDs, and links to view content. */
import { html } from "../http/html.ts";
import type { DashboardServices } from "../services.ts";
import { csrfField, notice, type Page, type PageContext } from "./layout.ts";

export async function ipfsPage(
  s: DashboardServices,
  ctx: PageContext,
  added: { cid: string; name: string } | undefined,
): Promise<Page> {
  if (s.ipfs === undefined) {
    return {
      title: "IPFS",
      body: notice("warn", "No IPFS node in this stack: add storage.ipfs to get one."),
    };
  }
  let pins: string[] = [];
  let problem: string | undefined;
  try {
    pins = await s.ipfs.pins();
  } catch (error) {
    problem = (error as Error).message;
  }
  return {
    title: "IPFS",
    body: html`${
      added === undefined
        ? ""
        : notice(
            "ok",
            html`Added ${added.name} as <a id="added-cid" class="mono" href="/ipfs/view/${added.cid}">${added.cid}</a> (pinned).`,
          )
    }${problem === undefined ? "" : notice("error", `Cannot list pins: ${problem}`)}
<section><h2>Upload</h2>
<form method="post" action="/ipfs/upload" enctype="multipart/form-data" class="stacked" id="upload-form">${csrfField(ctx)}
<label>File <input type="file" name="file" required></label>
<button type="submit">Add to IPFS</button>
</form></section>
<section><h2>View</h2>
<form method="get" action="/ipfs/view" class="stacked"><label>CID or path <input name="cid" placeholder="bafy…"></label><button type="submit">Open</button></form>
</section>
<section><h2>Pinned (${pins.length})</h2>
${
  pins.length === 0
    ? html`<p class="muted">Nothing pinned.</p>`
    : html`<ul class="pins">${pins.map((cid) => html`<li><a class="mono" href="/ipfs/view/${cid}">${cid}</a></li>`)}</ul>`
}
</section>`,
  };
}
