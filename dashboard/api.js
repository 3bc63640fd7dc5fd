// The reports API, /api/v1/reports, with the supervisor's bearer token,
// and the CSV exports, which need the token too: fetched, then saved
// through a Blob URL (a plain link could not carry the header).

export const TOKEN_KEY = 'khidma-supervisor-token';

export const session = { token: null, onSignedOut: null };

export class ApiError extends Error {
  constructor(status, code, message, network) {
    super(message || code || String(status));
    this.status = status;
    this.code = code;
    this.network = network;
  }
}

async function send(path, params, accept) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== '') query.set(name, value);
  }
  const url = path + (query.toString() ? '?' + query : '');
  const headers = { Accept: accept };
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  let response;
  try {
    response = await fetch(url, { headers, cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, null, err.message, true);
  }
  if (!response.ok) {
    let error = {};
    try { error = (await response.json()).error || {}; } catch (_) { error = {}; }
    throw new ApiError(response.status, error.code, error.message, false);
  }
  return response;
}

export async function report(name, params) {
  const response = await send('/api/v1/reports/' + name, params, 'application/json');
  return response.json();
}

export async function publicFeed(name) {
  const response = await send('/api/v1/public/' + name, null, 'application/json');
  return response.json();
}

// Downloads export.csv for `params` (report=..., the filters) as a file.
export async function downloadCsv(params, fileName) {
  const response = await send('/api/v1/reports/export.csv', params, 'text/csv');
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
