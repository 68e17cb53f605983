// One pre-send check, start to finish, with no browser API: the background script supplies
// the compose details and settings and acts on the decision.

import { checkDraft } from "./client.js";
import { decide } from "./policy.js";
import { buildRequest } from "./request.js";
import { normaliseSettings } from "./settings.js";

/**
 * Check a draft and decide: {action: "allow" | "block", report?, notice?, outcome}.
 * Never throws: whatever goes wrong, the answer is to allow the send (with a notice).
 */
export async function preSendCheck(details, rawSettings, { fetch } = {}) {
  const { settings } = normaliseSettings(rawSettings);
  let outcome;
  try {
    const request = buildRequest(details, settings);
    outcome = await checkDraft(request, {
      url: settings.serverUrl, token: settings.token,
      timeoutMs: settings.timeoutSeconds * 1000, fetch,
    });
  } catch (error) {
    outcome = { ok: false, reason: "error", message: String((error && error.message) || error) };
  }
  return { ...decide(outcome, settings), outcome };
}
