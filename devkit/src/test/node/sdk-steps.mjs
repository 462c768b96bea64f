// What the privy-sdk-*.mjs scripts share: the SDK client from the environment, steps that each
// print exactly one JSON line {"step": "...", ...results}, refusals reported as
// {"status", "code", ...what the script extracts from the error body}, the count of unexpected
// failures and the exit status that reports it. Nothing here prints a secret.
import { PrivyClient, APIError } from "@privy-io/node";

/**
 * The base URL (1st argument), the app id and secret (PRIVY_APP_ID, PRIVY_APP_SECRET; with
 * `argvCredentials`, also the 2nd and 3rd arguments, the environment preferred) and a client for
 * them with `maxRetries: 0`, so each answer is the appliance's first to that exact (signed) request.
 * Prints `usage` and exits 2 when any of these, or any of `required`, is missing.
 */
export function connect(usage, { argvCredentials = false, required = [] } = {}) {
  const [, , baseUrl, argAppId, argAppSecret] = process.argv;
  const appId = process.env.PRIVY_APP_ID || (argvCredentials ? argAppId : undefined);
  const appSecret = process.env.PRIVY_APP_SECRET || (argvCredentials ? argAppSecret : undefined);
  if (!baseUrl || !appId || !appSecret || !required.every(Boolean)) {
    console.error(usage);
    process.exit(2);
  }
  const privy = new PrivyClient({ appId, appSecret, apiUrl: baseUrl, maxRetries: 0 });
  return { baseUrl, appId, appSecret, privy };
}

let unexpected = 0;

export function emit(step, fields) {
  console.log(JSON.stringify({ step, ...fields }));
}

/** Runs one step; its result (or the refusal it expects) is printed as one line. */
export async function step(name, fn) {
  try {
    emit(name, await fn());
  } catch (e) {
    unexpected++;
    const msg = e instanceof APIError ? `${e.status} ${JSON.stringify(e.error)}` : String(e?.stack ?? e);
    emit(name, { unexpected: msg });
  }
}

/** Error body fields a script reports with a refusal, after status and code. */
export const errorShape = (body) => ({ error_shape: Object.keys(body).sort() });
export const errorMessage = (body) => ({ error: body.error ?? null });
export const noDetails = () => ({});

/** What a refused SDK call reports: HTTP status, the error body's code and `details(body)`. */
export function refusal(e, details = noDetails) {
  if (e instanceof APIError) {
    const body = e.error ?? {};
    return { status: e.status ?? null, code: body.code ?? null, ...details(body) };
  }
  throw e;
}

/** Calls fn, which must be refused; returns its refusal (see `refusal`). */
export async function refused(fn, details = noDetails) {
  try {
    const r = await fn();
    return { status: 200, code: null, unexpectedly_accepted: true, result_keys: Object.keys(r ?? {}) };
  } catch (e) {
    return refusal(e, details);
  }
}

/** A `refused` that always reports `details`. */
export const refusedWith = (details) => (fn) => refused(fn, details);

/** Exits 0 if no step failed unexpectedly, else 1. */
export function finish() {
  process.exit(unexpected === 0 ? 0 : 1);
}
