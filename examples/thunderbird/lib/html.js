// HTML mail body -> plain text, without a DOM (runs in node's tests as in Thunderbird).
//
// Paragraphs and headings become blank-line separated blocks, <br> a line break, list items
// "- " or "1. " lines, table cells are separated by spaces, and a <blockquote> (Thunderbird
// quotes replies in <blockquote type="cite">) becomes "> " lines so msgcheck recognises the
// quoted reply. <head>, <style>, <script> and comments are dropped; entities are decoded.

const DROP = /<(head|style|script|title|template|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?-->/g;
const TOKEN = /<(\/?)([a-zA-Z][\w:-]*)\b((?:[^>"']|"[^"]*"|'[^']*')*)>|<!doctype[^>]*>|([^<]+)|</gi;

const PARAGRAPH = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl",
  "pre", "address", "figure", "fieldset", "form"]);
const LINE = new Set(["div", "section", "article", "header", "footer", "main", "nav", "aside",
  "tr", "dt", "dd", "caption", "center", "hr", "legend", "figcaption", "details", "summary"]);
const CELL = new Set(["td", "th"]);

const NAMED = {
  nbsp: " ", amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", ndash: "\u2013",
  mdash: "\u2014", hellip: "\u2026", lsquo: "\u2018", rsquo: "\u2019", ldquo: "\u201c",
  rdquo: "\u201d", laquo: "\u00ab", raquo: "\u00bb", bull: "\u2022", middot: "\u00b7",
  copy: "\u00a9", reg: "\u00ae", trade: "\u2122", euro: "\u20ac", pound: "\u00a3",
  yen: "\u00a5", cent: "\u00a2", deg: "\u00b0", times: "\u00d7", shy: "", zwnj: "",
  zwj: "", ensp: " ", emsp: " ", thinsp: " ", eacute: "\u00e9", egrave: "\u00e8",
  aacute: "\u00e1", agrave: "\u00e0", iacute: "\u00ed", oacute: "\u00f3", uacute: "\u00fa",
  ntilde: "\u00f1", ccedil: "\u00e7", uuml: "\u00fc", ouml: "\u00f6", auml: "\u00e4",
  szlig: "\u00df",
};

/** Decode HTML character references (&amp; &#39; &#x2019; ...); unknown names stay as they are. */
export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);?/gi, (whole, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X"
        ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return "\ufffd";
      }
      return String.fromCodePoint(code);
    }
    const value = NAMED[name.toLowerCase()];
    return value === undefined ? whole : value;
  });
}

/** Convert an HTML message body to the text msgcheck should check. */
export function htmlToText(html) {
  if (typeof html !== "string" || html === "") return "";
  const source = html.replace(COMMENT, "").replace(DROP, "");
  const lines = [];
  let depth = 0; // blockquote nesting
  let pre = 0; // inside <pre>: keep whitespace
  let line = { depth: 0, text: "" };
  const lists = []; // {ordered, n}

  const newLine = () => {
    lines.push(line);
    line = { depth, text: "" };
  };
  const endLine = () => {
    if (line.text.trim() !== "") newLine();
    else line.depth = depth;
  };
  const blankLine = () => {
    endLine();
    const last = lines[lines.length - 1];
    if (last && last.text.trim() !== "") lines.push({ depth: last.depth, text: "" });
  };
  const write = (text) => {
    if (line.text === "") line.depth = depth;
    line.text += text;
  };

  for (const match of source.matchAll(TOKEN)) {
    const [whole, closing, rawName, attributes, text] = match;
    if (text !== undefined || whole === "<") {
      let value = decodeEntities(text ?? whole);
      if (pre) {
        const parts = value.replace(/\r\n?/g, "\n").split("\n");
        parts.forEach((part, i) => {
          if (i > 0) newLine();
          write(part);
        });
      } else {
        value = value.replace(/[\s\u00a0]+/g, " ");
        if (line.text === "" || /\s$/.test(line.text)) value = value.replace(/^ /, "");
        if (value) write(value);
      }
      continue;
    }
    if (rawName === undefined) continue; // <!doctype>
    const name = rawName.toLowerCase();
    const close = closing === "/";
    if (name === "br") {
      newLine();
    } else if (name === "blockquote") {
      blankLine();
      depth = Math.max(0, depth + (close ? -1 : 1));
      line.depth = depth;
    } else if (name === "ul" || name === "ol") {
      if (close) lists.pop();
      else lists.push({ ordered: name === "ol", n: startOf(attributes) - 1 });
      if (lists.length === 0 || !close) blankLine();
      else endLine();
    } else if (name === "li") {
      endLine();
      if (!close) {
        const list = lists[lists.length - 1];
        const indent = "  ".repeat(Math.max(0, lists.length - 1));
        if (list && list.ordered) write(`${indent}${(list.n += 1)}. `);
        else write(`${indent}- `);
      }
    } else if (name === "pre") {
      blankLine();
      pre = Math.max(0, pre + (close ? -1 : 1));
    } else if (PARAGRAPH.has(name)) {
      blankLine();
    } else if (LINE.has(name)) {
      endLine();
    } else if (CELL.has(name)) {
      if (!close && line.text.trim() !== "" && !/\s$/.test(line.text)) write(" ");
    } else if (name === "img" && !close) {
      const alt = /\balt\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attributes || "");
      const value = alt ? decodeEntities(alt[2] ?? alt[3] ?? "").trim() : "";
      if (value) write(value);
    }
  }
  endLine();
  while (lines.length && lines[lines.length - 1].text.trim() === "") lines.pop();

  const text = lines
    .map(({ depth: d, text: t }) => {
      // "-- " is the signature delimiter: its trailing space is part of it.
      const body = t === "-- " ? t : t.replace(/[ \t]+$/g, "");
      return d > 0 ? `${">".repeat(d)}${body ? " " : ""}${body}` : body;
    })
    .join("\n");
  return text.replace(/\n{3,}/g, "\n\n").replace(/^\n+|\s+$/g, "");
}

function startOf(attributes) {
  const match = /\bstart\s*=\s*["']?(-?\d+)/i.exec(attributes || "");
  return match ? parseInt(match[1], 10) : 1;
}
