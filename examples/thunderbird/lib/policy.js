// Whether to block a send, what to show, and what to do when the server cannot check.

export const SEVERITY_RANK = Object.freeze({ info: 0, warning: 1, error: 2 });
// Findings about msgcheck's own trouble reading the draft never block a send.
const NEVER_BLOCKS = new Set(["input", "internal"]);

/** The findings at or above the threshold that may block a send. */
export function blockingFindings(result, threshold) {
  const floor = SEVERITY_RANK[threshold] ?? SEVERITY_RANK.error;
  const findings = result && Array.isArray(result.findings) ? result.findings : [];
  return findings.filter((f) => (SEVERITY_RANK[f.severity] ?? -1) >= floor
    && !NEVER_BLOCKS.has(f.criterion ?? String(f.rule).split(".")[0]));
}

export function shouldBlock(result, threshold) {
  return blockingFindings(result, threshold).length > 0;
}

/** One finding as the popup shows it. */
export function formatFinding(finding, threshold = "error") {
  const suggestion = finding.suggestion || null;
  const replacements = suggestion && Array.isArray(suggestion.edits)
    ? suggestion.edits.map((e) => e.replacement).filter((r) => typeof r === "string") : [];
  return {
    rule: finding.rule,
    severity: finding.severity,
    field: finding.field || "body",
    message: finding.message,
    suggestion: suggestion && suggestion.text ? suggestion.text : null,
    replacement: replacements.length ? replacements[0] : null,
    blocking: (SEVERITY_RANK[finding.severity] ?? -1) >= (SEVERITY_RANK[threshold] ?? 2),
    text: `${capitalise(finding.severity)} (${finding.rule}): ${finding.message}`,
  };
}

/**
 * What the popup lists: a title, a summary line and every finding, most severe first
 * (then subject before body, by position).
 */
export function formatReport(result, threshold = "error") {
  const findings = (result && Array.isArray(result.findings) ? result.findings : [])
    .map((f, index) => ({ f, index }))
    .sort((a, b) => (SEVERITY_RANK[b.f.severity] ?? -1) - (SEVERITY_RANK[a.f.severity] ?? -1)
      || a.index - b.index)
    .map(({ f }) => formatFinding(f, threshold));
  const blocking = findings.filter((f) => f.blocking).length;
  const noun = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return {
    title: blocking
      ? `msgcheck held this message: ${noun(blocking, "problem")} at or above ${threshold}`
      : "msgcheck found nothing to hold this message for",
    summary: `Score ${formatScore(result && result.score)}/100 as a ${result && result.kind}`
      + ` \u00b7 ${noun(findings.length, "finding")}`,
    findings,
  };
}

/**
 * The decision for one send, from the outcome of checkDraft:
 *   {action: "block", report} when findings at or above the threshold exist;
 *   {action: "allow"} otherwise;
 *   {action: "allow", notice: {title, message}} when the server could not check the draft:
 *   a server that is down, slow or refusing never blocks sending.
 */
export function decide(outcome, settings) {
  if (!outcome || !outcome.ok) return { action: "allow", notice: failureNotice(outcome, settings) };
  if (shouldBlock(outcome.result, settings.threshold)) {
    return { action: "block", report: formatReport(outcome.result, settings.threshold) };
  }
  return { action: "allow" };
}

export function failureNotice(outcome, settings = {}) {
  const url = settings.serverUrl || "the msgcheck server";
  const reason = outcome && outcome.reason;
  let message;
  if (reason === "unreachable") {
    message = `No msgcheck server answers at ${url}. Start it with "msgcheck serve".`;
  } else if (reason === "timeout") {
    message = `The msgcheck server at ${url} did not answer in time.`;
  } else if (reason === "refused" && outcome.status === 401) {
    message = "The msgcheck server wants a token: set it in the add-in's options.";
  } else if (reason === "refused" && outcome.status === 413) {
    message = "The message is too large for the msgcheck server to check.";
  } else {
    message = `The msgcheck server could not check the message: ${(outcome && outcome.message) || "unknown error"}.`;
  }
  return { title: "Sent without a msgcheck check", message };
}

function formatScore(score) {
  return typeof score === "number" ? String(Math.round(score)) : "?";
}

function capitalise(word) {
  return word ? word[0].toUpperCase() + word.slice(1) : "";
}
