// A stand-in for the reports API (/api/v1/reports/...) and the public
// feeds (/api/v1/public/...) of /work/cx-contract.md, for the dashboard's
// browser test while those endpoints are not on this branch. It answers in
// the browser (Playwright routes), with contract-shaped JSON computed from
// the query (every day of the range, every hour), and checks the bearer
// token as the real API does: none or an unknown one 401, an agent's 403.
//
// dashboard.mjs installs it only for the endpoints the server does not
// have (a 404 "not_found" from the server); once they exist, the test runs
// against the real server. Delete this file and its import then.

const CHANNELS = ['web', 'whatsapp', 'telegram'];
const TEAMS = ['emergency', 'water', 'licensing'];

function days(from, to) {
  const out = [];
  for (let day = new Date(from + 'T00:00:00Z'); day <= new Date(to + 'T00:00:00Z'); day.setUTCDate(day.getUTCDate() + 1)) {
    out.push(day.toISOString().slice(0, 10));
  }
  return out;
}

function period(query) {
  const today = new Date().toISOString().slice(0, 10);
  const to = query.get('to') || today;
  const start = new Date(to + 'T00:00:00Z');
  start.setUTCDate(start.getUTCDate() - 6);
  return { from: query.get('from') || start.toISOString().slice(0, 10), to };
}

// A number that depends on the day and a salt, so that charts vary.
function wave(day, salt, scale) {
  const n = Number(day.slice(8, 10)) + salt * 7;
  return Math.round(scale * (0.55 + 0.45 * Math.abs(Math.sin(n * 1.7))));
}

function summary(query) {
  const { from, to } = period(query);
  const team = query.get('team');
  const factor = team ? 0.4 : 1;
  const messages = Math.round(1840 * factor);
  return {
    from, to, filters: { team: team || null, channel: null, language: null },
    messages, conversations: Math.round(612 * factor), answered: Math.round(1390 * factor), clarified: Math.round(160 * factor), fallbacks: Math.round(121 * factor),
    escalations: { total: 87, urgent: 23, person: 31, other: 33, by_reason: { urgent: 19, danger_to_life: 4, citizen_asked: 31, repeated_fallback: 17, frustration: 9, agent_entry: 7 } },
    self_service_rate: 0.858,
    first_reply_seconds: { count: 80, p50: 204.0, p90: 1260.0 },
    resolved: 79,
    csat: { count: 142, average: 4.3, distribution: { 1: 6, 2: 7, 3: 12, 4: 40, 5: 77 } },
    inferred_satisfaction: { count: 388, average: 3.9 },
    languages: { ar: Math.round(messages * 0.78), en: messages - Math.round(messages * 0.78) },
    channels: { whatsapp: Math.round(1010 * factor), web: Math.round(640 * factor), telegram: messages - Math.round(1010 * factor) - Math.round(640 * factor) },
  };
}

function timeseries(query) {
  const metric = query.get('metric');
  const by = query.get('by') || null;
  const { from, to } = period(query);
  const range = days(from, to);
  const value = (day, salt) => {
    switch (metric) {
      case 'self_service_rate': return 0.78 + wave(day, salt, 15) / 100;
      case 'csat': return day.endsWith('3') ? null : 3.6 + wave(day, salt + 2, 12) / 10;
      case 'inferred_satisfaction': return 3.2 + wave(day, salt + 5, 10) / 10;
      case 'first_reply_seconds': return 90 + wave(day, salt, 500);
      case 'urgent': return wave(day, salt + 3, 6);
      default: return wave(day, salt, 180);
    }
  };
  const keys = by === 'channel' ? CHANNELS : by === 'reason' ? ['urgent', 'citizen_asked'] : by === 'team' ? TEAMS : ['all'];
  return {
    metric, bucket: 'day', by,
    series: keys.map((key, i) => ({ key, points: range.map((day) => ({ t: day, value: value(day, i) })) })),
  };
}

function hours() {
  return { hours: Array.from({ length: 24 }, (_, hour) => ({ hour, messages: Math.round(4 + 90 * Math.exp(-((hour - 11) ** 2) / 18) + 40 * Math.exp(-((hour - 20) ** 2) / 6)) })) };
}

function topics() {
  const rows = [
    ['electricity-outage', 'utilities', 420, 150, 3.6],
    ['water-outage', 'utilities', 310, 290, 3.9],
    ['passport-renewal', 'documents', 260, 280, 4.5],
    ['traffic-fines', 'traffic', 190, 120, 4.1],
    ['building-permit', 'licensing', 140, 160, 4.4],
    ['garbage-collection', 'municipality', 95, 40, 3.4],
  ];
  return {
    topics: rows.map(([entry, category, messages, previous, score]) => ({
      entry, category, messages, previous, change: (messages - previous) / Math.max(previous, 1),
      escalations: Math.round(messages / 30), fallbacks: Math.round(messages / 40), csat: score, inferred_satisfaction: score - 0.3,
    })),
    categories: [{ category: 'utilities', messages: 730, previous: 440, change: 0.659 }],
  };
}

function teams() {
  return {
    teams: [
      { team: 'emergency', escalations: 41, resolved: 39, first_reply_seconds: { p50: 95, p90: 410, count: 40 }, csat: { count: 60, average: 4.1 }, inferred_satisfaction: { count: 150, average: 3.6 } },
      { team: 'water', escalations: 28, resolved: 25, first_reply_seconds: { p50: 300, p90: 1500, count: 26 }, csat: { count: 50, average: 4.4 }, inferred_satisfaction: { count: 120, average: 3.9 } },
      { team: 'licensing', escalations: 18, resolved: 15, first_reply_seconds: { p50: 620, p90: 2400, count: 14 }, csat: { count: 32, average: 4.6 }, inferred_satisfaction: { count: 118, average: 4.2 } },
    ],
  };
}

function districts() {
  return {
    districts: [
      { district: 'al-nuzha', urgent: 9, incidents: 2, last_seen: '2026-11-30T10:00:00Z' },
      { district: 'al-rawda', urgent: 5, incidents: 1, last_seen: '2026-11-29T18:30:00Z' },
      { district: 'al-malaz', urgent: 2, incidents: 1, last_seen: '2026-11-27T07:15:00Z' },
    ],
  };
}

function unanswered() {
  return {
    groups: [
      { count: 14, first_seen: '2026-11-24T08:10:00Z', last_seen: '2026-11-30T21:40:00Z', language: 'ar', examples: ['كم رسوم تجديد رخصة المحل رقم ####؟', 'رسوم تجديد رخصة محل تجاري', 'ابغى اعرف رسوم الرخصة'], closest_entry: { id: 'building-permit', title: 'رخصة البناء' } },
      { count: 6, first_seen: '2026-11-26T12:00:00Z', last_seen: '2026-11-30T09:05:00Z', language: 'en', examples: ['can I pay water bill for my neighbour ###-####', 'pay someone else water bill'], closest_entry: null },
      { count: 3, first_seen: '2026-11-28T15:20:00Z', last_seen: '2026-11-29T16:00:00Z', language: 'ar', examples: ['متى تفتح الحدائق العامة'], closest_entry: { id: 'garbage-collection', title: 'جمع النفايات' } },
    ],
  };
}

function alerts() {
  return {
    alerts: [
      { at: '2026-11-30T10:05:00Z', rule: 'surge', key: 'electricity-outage', value: 48, baseline: 12.5 },
      { at: '2026-11-29T19:40:00Z', rule: 'unclaimed_urgent', key: 'emergency', value: 900, baseline: 600 },
    ],
  };
}

function publicCx() {
  return {
    version: 1, agency: { ar: 'أمانة المدينة', en: 'City Municipality' }, period: { from: '2026-11-01', to: '2026-11-30' },
    conversations: 2410, self_service_rate: 0.84, first_reply_seconds: { p50: 240, p90: 1380 }, urgent_first_reply_seconds: { p50: 75, p90: 300 },
    csat: { count: 530, average: 4.3 }, inferred_satisfaction: { count: 1400, average: 3.9 }, resolved: 350,
    languages: { ar: 1900, en: 510 }, channels: { whatsapp: 1300, web: 880, telegram: 230 },
  };
}

function observatory() {
  const water = { ...publicCx(), agency: { ar: 'هيئة المياه', en: 'Water Authority' }, conversations: 980, self_service_rate: 0.71, first_reply_seconds: { p50: 610, p90: 2900 }, csat: { count: 120, average: 3.8 }, inferred_satisfaction: { count: 500, average: null }, resolved: null };
  return {
    agencies: [
      { name: 'City Municipality', url: 'https://city.example/api/v1/public/cx', ok: true, figures: publicCx(), error: null },
      { name: 'Water Authority', url: 'https://water.example/api/v1/public/cx', ok: true, figures: water, error: null },
      { name: 'Transport Agency', url: 'https://transport.example/api/v1/public/cx', ok: false, figures: null, error: 'unreachable' },
    ],
  };
}

function csv(query) {
  const report = query.get('report');
  const rows = report === 'hours'
    ? [['hour', 'messages'], ...hours().hours.map((h) => [h.hour, h.messages])]
    : [['t', 'key', 'value'], ...timeseries(query).series.flatMap((s) => s.points.map((p) => [p.t, s.key, p.value]))];
  return '\ufeff' + rows.map((row) => row.join(',')).join('\r\n') + '\r\n';
}

const REPORTS = { summary, timeseries, hours, topics, districts, teams, unanswered, alerts };

function json(route, status, body) {
  return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
}

// Installs the stand-in on `context` for the reports API (when `reports`)
// and the public feeds (when `feeds`).
export async function installStandIn(context, { reports, feeds, supervisorToken, agentToken }) {
  if (reports) {
    await context.route('**/api/v1/reports/**', (route) => {
      const request = route.request();
      const url = new URL(request.url());
      const auth = request.headers().authorization || '';
      if (auth === 'Bearer ' + agentToken) return json(route, 403, { error: { code: 'forbidden', message: 'only supervisors may do this' } });
      if (auth !== 'Bearer ' + supervisorToken) return json(route, 401, { error: { code: 'unauthorized', message: 'the supervisor token is not valid' } });
      const name = url.pathname.split('/').pop();
      if (name === 'export.csv') {
        return route.fulfill({ status: 200, contentType: 'text/csv; charset=utf-8', body: csv(url.searchParams) });
      }
      const report = REPORTS[name];
      if (!report) return json(route, 404, { error: { code: 'not_found', message: 'no such route' } });
      return json(route, 200, report(url.searchParams));
    });
  }
  if (feeds) {
    await context.route('**/api/v1/public/cx', (route) => json(route, 200, publicCx()));
    await context.route('**/api/v1/public/observatory', (route) => json(route, 200, observatory()));
  }
}
