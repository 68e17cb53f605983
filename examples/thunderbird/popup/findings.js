// The popup that lists the findings of a held message: "Edit" or "Send anyway".
// It only displays what the background stored; the report holds no draft text.

const params = new URLSearchParams(window.location.search);
const tabId = Number(params.get("tab"));
const store = messenger.storage.session || messenger.storage.local;
const key = `report:${tabId}`;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

async function show() {
  const stored = (await store.get(key))[key];
  if (!stored) {
    document.getElementById("title").textContent = "This check has expired";
    document.getElementById("send").disabled = true;
    return stored;
  }
  const { report } = stored;
  document.getElementById("title").textContent = report.title;
  document.getElementById("summary").textContent = report.summary;
  const list = document.getElementById("findings");
  for (const finding of report.findings) {
    const item = element("li", finding.blocking ? "blocking" : "below");
    item.append(element("span", `severity ${finding.severity}`, finding.severity), " ",
      element("span", "message", finding.message), " ",
      element("span", "rule", `${finding.rule} (${finding.field})`));
    if (finding.suggestion || finding.replacement) {
      const advice = finding.suggestion && finding.replacement
        ? `${finding.suggestion} (e.g. "${finding.replacement}")`
        : finding.suggestion || `Use "${finding.replacement}"`;
      item.append(element("p", "suggestion", advice));
    }
    list.append(item);
  }
  return stored;
}

show().then((stored) => {
  document.getElementById("edit").addEventListener("click", async () => {
    await messenger.runtime.sendMessage({ type: "edit", tabId, windowId: stored && stored.windowId });
    window.close();
  });
  document.getElementById("send").addEventListener("click", async () => {
    // The background re-sends; close first so the compose window takes over.
    messenger.runtime.sendMessage({ type: "send-anyway", tabId });
    window.close();
  });
  document.getElementById("edit").focus();
});
