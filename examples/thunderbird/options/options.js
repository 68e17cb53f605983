// Options page: server URL, threshold, kind, token, timeout (stored as "settings").

import { health } from "../lib/client.js";
import { isLocalUrl, normaliseSettings } from "../lib/settings.js";

const form = document.getElementById("form");
const status = document.getElementById("status");
const FIELDS = ["serverUrl", "threshold", "kind", "token", "timeoutSeconds"];

function say(text, kind = "") {
  status.textContent = text;
  status.className = `status ${kind}`;
}

function fromForm() {
  const raw = {};
  for (const name of FIELDS) raw[name] = form.elements[name].value;
  return raw;
}

async function load() {
  const { settings } = normaliseSettings((await messenger.storage.local.get("settings")).settings);
  for (const name of FIELDS) form.elements[name].value = String(settings[name]);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { settings, problems } = normaliseSettings(fromForm());
  if (problems.length) {
    say(problems.join("; "), "bad");
    return;
  }
  await messenger.storage.local.set({ settings });
  say(isLocalUrl(settings.serverUrl) ? "Saved."
    : "Saved. Note: this server is not on this computer, so your drafts will leave it.",
  isLocalUrl(settings.serverUrl) ? "good" : "bad");
});

document.getElementById("test").addEventListener("click", async () => {
  const { settings } = normaliseSettings(fromForm());
  say("Checking...");
  const answer = await health({ url: settings.serverUrl, token: settings.token });
  if (answer.ok) {
    say(`msgcheck ${answer.result.version} is ${answer.result.status}`
      + (answer.result.pipeline ? ` (${answer.result.pipeline})` : ""), "good");
  } else {
    say(answer.message, "bad");
  }
});

load();
