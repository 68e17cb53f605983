import assert from "node:assert/strict";
import { test } from "node:test";

import { blockingFindings, decide, failureNotice, formatReport, shouldBlock } from "../lib/policy.js";
import { DEFAULT_SETTINGS, isLocalUrl, normaliseSettings } from "../lib/settings.js";

const finding = (rule, severity, extra = {}) => ({
  rule, criterion: rule.split(".")[0], severity, message: `${rule} message`, field: "body",
  start: 0, end: 0, suggestion: null, ...extra,
});
const result = (...findings) => ({ path: null, kind: "cold-email", score: 52, findings });

test("blocks at or above the threshold only", () => {
  const r = result(finding("tone.urgency", "warning"), finding("readability.grade", "info"));
  assert.equal(shouldBlock(r, "error"), false);
  assert.equal(shouldBlock(r, "warning"), true);
  assert.deepEqual(blockingFindings(r, "info").map((f) => f.rule), ["tone.urgency", "readability.grade"]);
  assert.equal(shouldBlock(result(finding("template.placeholder", "error")), "error"), true);
  assert.equal(shouldBlock(result(), "info"), false);
});

test("msgcheck's own input or internal trouble never blocks", () => {
  const r = result(finding("input.empty", "error"), finding("internal.rule-failed", "error"));
  assert.equal(shouldBlock(r, "info"), false);
});

test("the report lists every finding, most severe first, with suggestions", () => {
  const r = result(
    finding("tone.urgency", "warning", { suggestion: { text: "Offer flexibility", edits: [
      { start: 1, end: 5, replacement: "when convenient" }], safe: true } }),
    finding("template.placeholder", "error", { suggestion: { text: "Fill it in", edits: [], safe: false } }),
    finding("readability.grade", "info"),
  );
  const report = formatReport(r, "warning");
  assert.deepEqual(report.findings.map((f) => [f.rule, f.blocking]),
    [["template.placeholder", true], ["tone.urgency", true], ["readability.grade", false]]);
  assert.equal(report.findings[1].suggestion, "Offer flexibility");
  assert.equal(report.findings[1].replacement, "when convenient");
  assert.equal(report.findings[2].suggestion, null);
  assert.equal(report.findings[0].text, "Error (template.placeholder): template.placeholder message");
  assert.match(report.title, /2 problems at or above warning/);
  assert.equal(report.summary, "Score 52/100 as a cold-email \u00b7 3 findings");
  assert.match(formatReport(result(finding("tone.urgency", "warning")), "error").title, /nothing/);
});

test("decide: block, allow, and never block when the server cannot check", () => {
  const settings = { ...DEFAULT_SETTINGS, threshold: "warning" };
  const blocked = decide({ ok: true, result: result(finding("tone.urgency", "warning")) }, settings);
  assert.equal(blocked.action, "block");
  assert.equal(blocked.report.findings.length, 1);
  assert.deepEqual(decide({ ok: true, result: result() }, settings), { action: "allow" });
  for (const outcome of [
    { ok: false, reason: "unreachable", message: "x" }, { ok: false, reason: "timeout" },
    { ok: false, reason: "refused", status: 401 }, { ok: false, reason: "refused", status: 413 },
    { ok: false, reason: "refused", status: 500, message: "internal error" },
    { ok: false, reason: "bad-answer" }, undefined,
  ]) {
    const decision = decide(outcome, settings);
    assert.equal(decision.action, "allow");
    assert.ok(decision.notice.title && decision.notice.message);
  }
  assert.match(failureNotice({ ok: false, reason: "unreachable" }, settings).message, /msgcheck serve/);
  assert.match(failureNotice({ ok: false, reason: "refused", status: 401 }, settings).message, /token/);
});

test("settings: defaults, validation, loopback URLs", () => {
  assert.deepEqual(normaliseSettings(undefined), { settings: { ...DEFAULT_SETTINGS }, problems: [] });
  const { settings, problems } = normaliseSettings({
    serverUrl: "http://localhost:9000/", threshold: "warning", kind: "thank-you",
    token: " t ", timeoutSeconds: "8",
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, { serverUrl: "http://localhost:9000", threshold: "warning",
    kind: "thank-you", token: "t", timeoutSeconds: 8 });
  const bad = normaliseSettings({ serverUrl: "ftp://x", threshold: "fatal", kind: "memo",
    timeoutSeconds: 0 });
  assert.equal(bad.problems.length, 4);
  assert.deepEqual(bad.settings, { ...DEFAULT_SETTINGS });
  assert.ok(isLocalUrl("http://127.0.0.1:8765") && isLocalUrl("http://[::1]:1") && isLocalUrl("http://localhost"));
  assert.ok(!isLocalUrl("http://192.168.1.2:8765") && !isLocalUrl("not a url")
    && !isLocalUrl("http://127.0.0.1.evil.example"));
});
