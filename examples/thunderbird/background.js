// msgcheck pre-send check: the browser side. All decisions live in lib/ (tested with node).
//
// Listeners are added at the top level so that Thunderbird (Manifest V3 event page) wakes this
// script for them after it has been idle.

import { preSendCheck } from "./lib/precheck.js";
import { normaliseSettings } from "./lib/settings.js";

// Compose tabs whose next send skips the check once ("Send anyway").
const bypassOnce = new Set();
const reportStore = messenger.storage.session || messenger.storage.local;

async function loadSettings() {
  const { settings } = await messenger.storage.local.get("settings");
  return normaliseSettings(settings).settings;
}

messenger.compose.onBeforeSend.addListener(async (tab, details) => {
  if (bypassOnce.delete(tab.id)) return {};
  const settings = await loadSettings();
  const decision = await preSendCheck(details, settings);
  if (decision.notice) {
    await messenger.notifications.create(`msgcheck-${tab.id}`, {
      type: "basic",
      iconUrl: messenger.runtime.getURL("icons/msgcheck.svg"),
      title: decision.notice.title,
      message: decision.notice.message,
    });
  }
  if (decision.action !== "block") return {};
  await reportStore.set({
    [`report:${tab.id}`]: { report: decision.report, tabId: tab.id, windowId: tab.windowId },
  });
  await messenger.windows.create({
    url: `popup/findings.html?tab=${encodeURIComponent(tab.id)}`,
    type: "popup",
    width: 620,
    height: 560,
    allowScriptsToClose: true,
  });
  return { cancel: true };
});

messenger.runtime.onMessage.addListener(async (message) => {
  if (!message || typeof message.tabId !== "number") return undefined;
  if (message.type === "send-anyway") {
    await reportStore.remove(`report:${message.tabId}`);
    bypassOnce.add(message.tabId);
    try {
      await messenger.compose.sendMessage(message.tabId);
    } catch (error) {
      // The send failed or was aborted; the next try is checked again.
      bypassOnce.delete(message.tabId);
    }
  } else if (message.type === "edit") {
    await reportStore.remove(`report:${message.tabId}`);
    if (typeof message.windowId === "number") {
      await messenger.windows.update(message.windowId, { focused: true });
    }
  }
  return undefined;
});

messenger.tabs.onRemoved.addListener((tabId) => {
  bypassOnce.delete(tabId);
  reportStore.remove(`report:${tabId}`);
});
