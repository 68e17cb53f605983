// The add-in's options (stored in messenger.storage.local under "settings").

export const KINDS = ["cold-email", "follow-up", "update", "letter-request", "connection-note",
  "thank-you"];
export const THRESHOLDS = ["error", "warning", "info"];

export const DEFAULT_SETTINGS = Object.freeze({
  serverUrl: "http://127.0.0.1:8765",
  // Block sending when a finding is at or above this severity (like `msgcheck check --fail-on`).
  threshold: "error",
  // "" lets msgcheck decide (the message's own kind, else the server's setting: cold-email).
  kind: "",
  // Only when the server was started with --token.
  token: "",
  // Give up waiting for the server after this long, and send without a check.
  timeoutSeconds: 5,
});

/** Whether the URL points at this machine (a loopback address). */
export function isLocalUrl(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Settings from storage, each value checked; bad or missing values fall back to the defaults.
 * Returns {settings, problems}: problems lists what was replaced (for the options page).
 */
export function normaliseSettings(raw) {
  const given = raw && typeof raw === "object" ? raw : {};
  const settings = { ...DEFAULT_SETTINGS };
  const problems = [];

  if (given.serverUrl !== undefined) {
    const value = String(given.serverUrl).trim().replace(/\/+$/, "");
    let url = null;
    try {
      url = new URL(value);
    } catch {
      url = null;
    }
    if (url && (url.protocol === "http:" || url.protocol === "https:") && !url.search && !url.hash) {
      settings.serverUrl = value;
    } else {
      problems.push(`server URL ${JSON.stringify(given.serverUrl)} is not an http:// URL`);
    }
  }
  if (given.threshold !== undefined) {
    if (THRESHOLDS.includes(given.threshold)) settings.threshold = given.threshold;
    else problems.push(`threshold must be one of ${THRESHOLDS.join(", ")}`);
  }
  if (given.kind !== undefined) {
    if (given.kind === "" || KINDS.includes(given.kind)) settings.kind = given.kind;
    else problems.push(`kind must be empty (automatic) or one of ${KINDS.join(", ")}`);
  }
  if (given.token !== undefined) settings.token = String(given.token).trim();
  if (given.timeoutSeconds !== undefined) {
    const seconds = Number(given.timeoutSeconds);
    if (Number.isFinite(seconds) && seconds > 0 && seconds <= 60) settings.timeoutSeconds = seconds;
    else problems.push("timeout must be between 0 and 60 seconds");
  }
  return { settings, problems };
}
