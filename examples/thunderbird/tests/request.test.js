import assert from "node:assert/strict";
import { test } from "node:test";

import { buildRequest, draftText, firstRecipient } from "../lib/request.js";

const html = "<p>Dear Dr. Lee,</p><p>Would you have 15 minutes?</p>";

test("plain-text mode uses plainTextBody", () => {
  const details = { isPlainText: true, plainTextBody: "Dear Dr. Lee,\r\n\r\nHello", body: html };
  assert.equal(draftText(details), "Dear Dr. Lee,\n\nHello");
});

test("HTML mode converts the HTML body; Thunderbird's plain text is the fallback", () => {
  assert.equal(draftText({ isPlainText: false, body: html, plainTextBody: "ignored" }),
    "Dear Dr. Lee,\n\nWould you have 15 minutes?");
  assert.equal(draftText({ isPlainText: false, body: "<p> </p>", plainTextBody: "Hi\r\nthere" }),
    "Hi\nthere");
  assert.equal(draftText({}), "");
  assert.equal(draftText(null), "");
});

test("recipients: the first one written as an address", () => {
  assert.equal(firstRecipient(["Dr. Lee <lee@example.edu>", "b@example.org"]),
    "Dr. Lee <lee@example.edu>");
  assert.equal(firstRecipient([{ id: "abc", type: "contact" }, " x@example.org "]), "x@example.org");
  assert.equal(firstRecipient("solo@example.org"), "solo@example.org");
  assert.equal(firstRecipient([{ id: "list", type: "mailingList" }]), null);
  assert.equal(firstRecipient(undefined), null);
});

test("the request has the fields msgcheck accepts, and no others", () => {
  const details = {
    subject: "IMG applicant - question about your talk", to: ["Dr. Lee <lee@example.edu>"],
    cc: ["c@example.org"], from: "Sam <sam@example.org>", isPlainText: false, body: html,
    attachments: [], identityId: "id1",
  };
  assert.deepEqual(buildRequest(details, { kind: "follow-up" }), {
    body: "Dear Dr. Lee,\n\nWould you have 15 minutes?",
    subject: "IMG applicant - question about your talk",
    to: "Dr. Lee <lee@example.edu>",
    from: "Sam <sam@example.org>",
    kind: "follow-up",
  });
  assert.deepEqual(buildRequest({ isPlainText: true, plainTextBody: "Hi", subject: "" }, { kind: "" }),
    { body: "Hi", subject: "" });
});
