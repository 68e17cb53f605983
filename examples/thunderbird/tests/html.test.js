import assert from "node:assert/strict";
import { test } from "node:test";

import { decodeEntities, htmlToText } from "../lib/html.js";

test("paragraphs become blank-line separated blocks, <br> a line break", () => {
  const html = "<html><head><style>p{color:red}</style><title>x</title></head><body>"
    + "<p>Dear Dr. Alvarez,</p><p>I attended your   grand rounds\non catatonia.</p>"
    + "<p>Thank you,<br>Priya Raman</p></body></html>";
  assert.equal(htmlToText(html),
    "Dear Dr. Alvarez,\n\nI attended your grand rounds on catatonia.\n\nThank you,\nPriya Raman");
});

test("divs and <br> from Thunderbird's editor keep the lines", () => {
  const html = '<div class="moz-text-html">Dear Dr. Lee,<br><br>Would you have 15 minutes?'
    + '<br></div><div class="moz-signature">-- <br>Sam Okafor</div>';
  assert.equal(htmlToText(html), "Dear Dr. Lee,\n\nWould you have 15 minutes?\n-- \nSam Okafor");
});

test("entities are decoded, scripts and comments dropped", () => {
  const html = "<p>Caf&eacute; &amp; tea &ndash; it&#39;s &#x2019;fine&#8217; &nbsp;&lt;ok&gt;"
    + "<!-- hidden --><script>alert('x')</script> &unknown;</p>";
  assert.equal(htmlToText(html), "Caf\u00e9 & tea \u2013 it's \u2019fine\u2019 <ok> &unknown;");
  assert.equal(decodeEntities("&#0;&#xD800;&#1114112;"), "\ufffd\ufffd\ufffd");
});

test("lists become dash or numbered lines", () => {
  const html = "<p>Two questions:</p><ul><li>Your path into C-L psychiatry</li>"
    + "<li>Research <b>as</b> an IMG</li></ul><ol start=\"3\"><li>three</li><li>four</li></ol>";
  assert.equal(htmlToText(html), "Two questions:\n\n- Your path into C-L psychiatry\n"
    + "- Research as an IMG\n\n3. three\n4. four");
});

test("a quoted reply becomes '> ' lines", () => {
  const html = "<p>Thank you, that helps.</p>"
    + '<div class="moz-cite-prefix">On 3/4/25 Dr. Lee wrote:<br></div>'
    + '<blockquote type="cite"><p>Happy to talk.</p><blockquote><p>Earlier</p></blockquote>'
    + "</blockquote>";
  assert.equal(htmlToText(html), "Thank you, that helps.\n\nOn 3/4/25 Dr. Lee wrote:\n\n"
    + "> Happy to talk.\n>\n>> Earlier");
});

test("tables, images and preformatted text", () => {
  const html = "<table><tr><td>Name</td><td>Sam</td></tr><tr><th>Year</th><td>PGY-1</td></tr>"
    + '</table><p><img src="cid:x" alt="Logo &amp; seal"></p><pre>  keep\n    spacing</pre>';
  assert.equal(htmlToText(html), "Name Sam\nYear PGY-1\n\nLogo & seal\n\n  keep\n    spacing");
});

test("odd input never throws", () => {
  for (const html of [undefined, null, "", "<", "<<p>>", "a < b > c", "<p", "</p></div>",
    "<img alt='unterminated>", "<p>" + "x".repeat(50000)]) {
    assert.equal(typeof htmlToText(html), "string");
  }
  assert.equal(htmlToText("a < b"), "a < b");
});
