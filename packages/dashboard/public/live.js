// Live bits without a build step: every element with data-refresh-ms is
// re-fetched from the same URL and swapped in place, while the tab is visible
// and no form field in it has focus (so typing is never interrupted).
const parser = new DOMParser();

function schedule(el) {
  const ms = Number(el.dataset.refreshMs);
  if (!Number.isFinite(ms) || ms < 500) return;
  setTimeout(async () => {
    const busy = el.contains(document.activeElement) && document.activeElement !== document.body;
    if (!document.hidden && !busy) {
      try {
        const response = await fetch(location.href, { credentials: "same-origin" });
        if (response.ok && response.headers.get("content-type")?.startsWith("text/html")) {
          const next = parser
            .parseFromString(await response.text(), "text/html")
            .getElementById(el.id);
          if (next) el.replaceChildren(...next.childNodes);
        }
      } catch {
        // The dashboard restarting: keep the last view and try again next time.
      }
    }
    schedule(el);
  }, ms);
}

for (const el of document.querySelectorAll("[data-refresh-ms]")) schedule(el);
