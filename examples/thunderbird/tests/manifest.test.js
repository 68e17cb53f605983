import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";

const root = new URL("../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("manifest.json", root), "utf8"));
const exists = (path) => existsSync(new URL(path, root));

test("manifest: Manifest V3 for Thunderbird 128+, with what the add-in needs", () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.browser_specific_settings.gecko.strict_min_version, "128.0");
  for (const permission of ["compose", "compose.send", "notifications", "storage"]) {
    assert.ok(manifest.permissions.includes(permission), permission);
  }
  assert.deepEqual(manifest.host_permissions, ["http://127.0.0.1/*", "http://localhost/*"]);
  assert.equal(manifest.background.type, "module");
});

test("manifest: every file it names exists", () => {
  const files = [...manifest.background.scripts, manifest.options_ui.page,
    ...Object.values(manifest.icons)];
  for (const file of files) assert.ok(exists(file), file);
});

test("pages load scripts and styles that exist", () => {
  for (const page of ["popup/findings.html", "options/options.html"]) {
    const html = readFileSync(new URL(page, root), "utf8");
    const folder = page.slice(0, page.lastIndexOf("/") + 1);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(refs.length > 0, page);
    for (const ref of refs) {
      assert.doesNotMatch(ref, /^[a-z]+:/i, `${page} loads ${ref}: nothing from the network`);
      assert.ok(exists(folder + ref), `${page}: ${ref}`);
    }
  }
});

test("scripts import modules that exist", () => {
  for (const file of ["background.js", "popup/findings.js", "options/options.js",
    "lib/precheck.js", "lib/request.js"]) {
    const source = readFileSync(new URL(file, root), "utf8");
    const folder = file.slice(0, file.lastIndexOf("/") + 1);
    for (const [, spec] of source.matchAll(/^import [^"]*"([^"]+)";$/gm)) {
      assert.ok(exists(folder + spec), `${file}: ${spec}`);
    }
  }
});
