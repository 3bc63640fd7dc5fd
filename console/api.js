// The agent API, /api/v1/agent, with the agent's bearer token.

import { signOut } from './session.js';
import { state } from './state.js';
import { t } from './strings.js';

export const API = '/api/v1/agent';

class ApiError extends Error {
  constructor(status, code, message, network) {
    super(message || code || String(status));
    this.status = status;
    this.code = code;
    this.apiMessage = message;
    this.network = network;
  }
}

export async function api(path, options) {
  const method = (options && options.method) || 'GET';
  const headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
  let body;
  if (options && options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response;
  try {
    // Paths are the agent API's, but for a few of the console's own.
    const url = path.startsWith('/api/') ? path : API + path;
    response = await fetch(url, { method, headers, body, cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, null, err.message, true);
  }
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  if (!response.ok) {
    const error = (data && data.error) || {};
    const failure = new ApiError(response.status, error.code, error.message, false);
    if (response.status === 401 && state.token && !(options && options.login)) {
      signOut(t('session-ended'));
    }
    throw failure;
  }
  return data;
}

// Conversation ids are `<channel>:<user id>`; the colon may stay as is.
export function idPath(id) {
  return encodeURIComponent(id).replace(/%3A/gi, ':');
}
