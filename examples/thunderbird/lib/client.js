// Talking to the local msgcheck server. `fetch` is passed in (node's or the add-in's).

/**
 * POST the request to {url}/v1/check.
 * Resolves (never rejects) to {ok: true, result} or {ok: false, reason, status?, message}:
 * reason "unreachable" (no server), "timeout", "refused" (an HTTP error answer) or
 * "bad-answer" (not msgcheck's JSON).
 */
export async function checkDraft(request, { url, token = "", timeoutMs = 5000, fetch } = {}) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  return call(`${base(url)}/v1/check`, { method: "POST", headers, body: JSON.stringify(request) },
    { timeoutMs, fetch, url }, (body) => body && typeof body === "object"
      && Array.isArray(body.findings) && typeof body.score === "number");
}

/** GET {url}/healthz (the options page's "Test connection"). */
export async function health({ url, token = "", timeoutMs = 3000, fetch } = {}) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  return call(`${base(url)}/healthz`, { method: "GET", headers }, { timeoutMs, fetch, url },
    (body) => body && typeof body.status === "string");
}

async function call(endpoint, init, { timeoutMs, fetch, url }, valid) {
  const doFetch = fetch || globalThis.fetch;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    let response;
    try {
      response = await doFetch(endpoint, { ...init, signal: controller.signal });
    } catch (error) {
      if (timedOut) return failure("timeout", `no answer from ${url} within ${seconds(timeoutMs)}`);
      return failure("unreachable", `cannot reach the msgcheck server at ${url} (${describe(error)})`);
    }
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      if (timedOut) return failure("timeout", `no answer from ${url} within ${seconds(timeoutMs)}`);
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error && typeof body.error.message === "string"
        ? body.error.message : `HTTP ${response.status}`;
      return { ...failure("refused", message), status: response.status,
        code: body && body.error ? body.error.code : undefined };
    }
    if (!valid(body)) return { ...failure("bad-answer", `${url} did not answer like msgcheck`), status: response.status };
    return { ok: true, result: body, status: response.status };
  } finally {
    clearTimeout(timer);
  }
}

function base(url) {
  return String(url || "").replace(/\/+$/, "");
}

function failure(reason, message) {
  return { ok: false, reason, message };
}

function seconds(ms) {
  return `${Math.round(ms / 100) / 10} s`;
}

function describe(error) {
  const cause = error && error.cause && (error.cause.code || error.cause.message);
  return cause || (error && error.message) || String(error);
}
