import assert from "node:assert/strict";
import { test } from "node:test";

import { checkDraft, health } from "../lib/client.js";
import { preSendCheck } from "../lib/precheck.js";

const okResult = { path: null, kind: "cold-email", score: 100, findings: [] };
const answer = (status, body) => async () => new Response(JSON.stringify(body), {
  status, headers: { "content-type": "application/json" } });

test("a good answer", async () => {
  let seen;
  const fetch = async (url, init) => {
    seen = { url, init };
    return answer(200, okResult)();
  };
  const outcome = await checkDraft({ body: "Hi" }, { url: "http://127.0.0.1:8765/", token: "t", fetch });
  assert.deepEqual(outcome, { ok: true, result: okResult, status: 200 });
  assert.equal(seen.url, "http://127.0.0.1:8765/v1/check");
  assert.equal(seen.init.method, "POST");
  assert.equal(seen.init.headers.authorization, "Bearer t");
  assert.equal(seen.init.headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(seen.init.body), { body: "Hi" });
});

test("no server, an error answer, a strange answer", async () => {
  const down = async () => { throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }); };
  const outcome = await checkDraft({ body: "Hi" }, { url: "http://127.0.0.1:1", fetch: down });
  assert.equal(outcome.reason, "unreachable");
  assert.match(outcome.message, /ECONNREFUSED/);
  const refused = await checkDraft({ body: "Hi" }, { url: "u", fetch: answer(401,
    { error: { code: "unauthorized", message: "missing or wrong token" } }) });
  assert.deepEqual([refused.reason, refused.status, refused.code, refused.message],
    ["refused", 401, "unauthorized", "missing or wrong token"]);
  const odd = await checkDraft({ body: "Hi" }, { url: "u", fetch: answer(200, { hello: 1 }) });
  assert.equal(odd.reason, "bad-answer");
  const html = await checkDraft({ body: "Hi" }, { url: "u", fetch: async () => new Response("<html>", { status: 502 }) });
  assert.deepEqual([html.reason, html.status], ["refused", 502]);
});

test("a server that does not answer in time", async () => {
  const never = (url, init) => new Promise((resolve, reject) => {
    init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
  });
  const started = Date.now();
  const outcome = await checkDraft({ body: "Hi" }, { url: "u", timeoutMs: 50, fetch: never });
  assert.equal(outcome.reason, "timeout");
  assert.ok(Date.now() - started < 2000);
});

test("health", async () => {
  const outcome = await health({ url: "u", fetch: answer(200, { status: "ready", version: "1", pipeline: "p" }) });
  assert.equal(outcome.result.status, "ready");
});

test("preSendCheck never throws and never blocks without an answer", async () => {
  const broken = async () => { throw new Error("boom"); };
  const decision = await preSendCheck({ isPlainText: true, plainTextBody: "Hi" }, {}, { fetch: broken });
  assert.equal(decision.action, "allow");
  assert.ok(decision.notice);
  const blocked = await preSendCheck({ isPlainText: true, plainTextBody: "Hi" }, { threshold: "warning" },
    { fetch: answer(200, { ...okResult, findings: [{ rule: "tone.urgency", criterion: "tone",
      severity: "warning", message: "m", field: "body", start: 0, end: 0, suggestion: null }] }) });
  assert.equal(blocked.action, "block");
});

test("lib/ uses no browser globals (the background script is the only browser code)", async () => {
  const { readdir, readFile } = await import("node:fs/promises");
  const folder = new URL("../lib/", import.meta.url);
  for (const name of await readdir(folder)) {
    const code = (await readFile(new URL(name, folder), "utf8"))
      .replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    assert.doesNotMatch(code, /\b(messenger|browser|document|window|localStorage)\s*\./, name);
  }
});
