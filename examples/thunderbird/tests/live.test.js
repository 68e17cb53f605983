// Against a real `msgcheck serve` (MSGCHECK_URL, e.g. http://127.0.0.1:8765); skipped without it.
// tests/test_server_live.py starts a server and runs these with the URL set.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { test } from "node:test";

import { checkDraft, health } from "../lib/client.js";
import { preSendCheck } from "../lib/precheck.js";

const url = process.env.MSGCHECK_URL;
const token = process.env.MSGCHECK_TOKEN || "";
const skip = url ? false : "MSGCHECK_URL is not set (start `msgcheck serve` and set it)";

const badDraft = {
  subject: "Question",
  to: ["Dr. Maria Alvarez <malvarez@univ.example.edu>"],
  from: "Priya Raman <priya@example.org>",
  isPlainText: false,
  body: "<p>Dear Dr. Alvarez,</p><p>I came across your profile and was impressed. I am an IMG "
    + "applying to psychiatry. Can you write me a letter of recommendation? Please reply "
    + "ASAP.</p><p>Priya</p>",
};

async function fixedExample() {
  const text = await readFile(new URL("../../cold-email-fixed.txt", import.meta.url), "utf8");
  const [head, ...rest] = text.split("\n\n");
  const header = (name) => (head.match(new RegExp(`^${name}: (.*)$`, "m")) || [])[1];
  return { subject: header("Subject"), to: [header("To")], from: header("From"), isPlainText: true,
    plainTextBody: rest.join("\n\n") };
}

async function unusedPort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

test("the server is ready", { skip }, async () => {
  const outcome = await health({ url, token });
  assert.equal(outcome.ok, true, outcome.message);
  assert.equal(outcome.result.status, "ready");
});

test("an HTML draft with problems is held, with findings and suggestions", { skip }, async () => {
  const decision = await preSendCheck(badDraft, { serverUrl: url, token, threshold: "warning" });
  assert.equal(decision.action, "block", JSON.stringify(decision.outcome));
  const rules = decision.report.findings.map((f) => f.rule);
  for (const rule of ["subject.vague", "personal.generic-opener", "tone.urgency"]) {
    assert.ok(rules.includes(rule), `${rule} in ${rules}`);
  }
  const urgency = decision.report.findings.find((f) => f.rule === "tone.urgency");
  assert.ok(urgency.suggestion);
  assert.match(decision.report.summary, /^Score \d+\/100 as a cold-email/);
});

test("the same draft passes at the error threshold; kind is sent", { skip }, async () => {
  const decision = await preSendCheck(badDraft, { serverUrl: url, token, threshold: "error",
    kind: "follow-up" });
  assert.equal(decision.action, "allow");
  assert.equal(decision.notice, undefined);
  assert.equal(decision.outcome.result.kind, "follow-up");
});

test("the rewritten example is sent at the warning threshold", { skip }, async () => {
  const decision = await preSendCheck(await fixedExample(), { serverUrl: url, token, threshold: "warning" });
  assert.equal(decision.action, "allow", JSON.stringify(decision.report));
  assert.equal(decision.outcome.result.score, 100);
});

test("a server that is down never blocks sending", { skip }, async () => {
  const down = `http://127.0.0.1:${await unusedPort()}`;
  const decision = await preSendCheck(badDraft, { serverUrl: down, threshold: "info" });
  assert.equal(decision.action, "allow");
  assert.equal(decision.outcome.reason, "unreachable");
  assert.match(decision.notice.message, /msgcheck serve/);
});

test("a server that is too slow never blocks sending", { skip }, async () => {
  const outcome = await checkDraft({ body: "Dear Dr. Lee, thank you." }, { url, token, timeoutMs: 1 });
  assert.equal(outcome.ok, false);
  assert.equal(outcome.reason, "timeout");
});

test("the server's refusals come back as notices", { skip }, async () => {
  const outcome = await checkDraft({ body: 5 }, { url, token });
  assert.deepEqual([outcome.reason, outcome.status, outcome.code], ["refused", 422, "invalid-request"]);
});

test("the add-in's origin gets CORS headers; others are refused", { skip }, async () => {
  const headers = { "content-type": "application/json", origin: "moz-extension://1b2c3d4e-aaaa-bbbb-cccc-123456789abc" };
  if (token) headers.authorization = `Bearer ${token}`;
  const ok = await fetch(`${url}/v1/check`, { method: "POST", headers, body: JSON.stringify({ body: "Hi" }) });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("access-control-allow-origin"), headers.origin);
  const evil = await fetch(`${url}/v1/check`, { method: "POST",
    headers: { ...headers, origin: "https://evil.example" }, body: JSON.stringify({ body: "Hi" }) });
  assert.equal(evil.status, 403);
  assert.equal((await evil.json()).error.code, "origin-not-allowed");
});
