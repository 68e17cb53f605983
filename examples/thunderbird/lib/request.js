// Thunderbird compose details -> the JSON body of msgcheck's POST /v1/check.

import { htmlToText } from "./html.js";

/**
 * The draft's text: the plain-text body in plain-text mode; in HTML mode the HTML body
 * converted to text (paragraphs kept whole, quotes as "> " lines), else Thunderbird's own
 * plain-text rendering.
 */
export function draftText(details) {
  if (!details || typeof details !== "object") return "";
  const plain = typeof details.plainTextBody === "string" ? details.plainTextBody : "";
  if (details.isPlainText === true) return normaliseNewlines(plain);
  const html = typeof details.body === "string" ? details.body : "";
  const text = html ? htmlToText(html) : "";
  return text.trim() ? text : normaliseNewlines(plain);
}

/**
 * The first recipient written as an address. Recipients may be strings ("Name <a@b>") or
 * {id, type} references to address-book contacts and lists, which carry no address here.
 */
export function firstRecipient(recipients) {
  const list = Array.isArray(recipients) ? recipients : recipients ? [recipients] : [];
  for (const entry of list) {
    if (typeof entry === "string" && entry.trim()) return entry.trim();
  }
  return null;
}

/** The request body for msgcheck: {body, subject?, to?, from?, kind?}. */
export function buildRequest(details, settings = {}) {
  const request = { body: draftText(details) };
  if (details && typeof details.subject === "string") request.subject = details.subject;
  const to = firstRecipient(details && details.to);
  if (to) request.to = to;
  if (details && typeof details.from === "string" && details.from.trim()) {
    request.from = details.from.trim();
  }
  if (settings.kind) request.kind = settings.kind;
  return request;
}

function normaliseNewlines(text) {
  return text.replace(/\r\n?/g, "\n");
}
