// What the console knows right now: one object, read and written by every module.

export const state = {
  lang: 'en',
  strings: {},
  token: null,
  me: null,
  queue: [],
  incidents: [],
  // { kind: 'conversation' | 'incident', id }
  open: null,
  view: null,
  // Conversation id -> the last failed reply's { failure, detail }.
  replyFailures: new Map(),
  // Incident id -> the last update's result, shown until dismissed.
  incidentResults: new Map(),
  notice: null,
  // The agent's { availability, since_ms }, from /presence.
  presence: null,
  // Textarea id + open item -> what the agent has typed, kept across
  // live re-renders.
  drafts: new Map(),
  sending: false,
  seenUrgent: null,
  incidentCounts: new Map(),
  stream: null,
  reloadTimer: null,
  queueSerial: 0,
  openSerial: 0,
  openTimer: null,
  connState: 'connecting',
  retryIn: 0,
};
