// The agent's availability, a toggle in the header: teams with automatic
// assignment give cases only to agents who are available.

import { api } from './api.js';
import { $, announce, el } from './dom.js';
import { state } from './state.js';
import { errorText, t } from './strings.js';

export async function loadPresence() {
  try {
    state.presence = await api('/presence');
  } catch (_) {
    state.presence = null;
  }
  renderPresence();
}

export function renderPresence() {
  const old = $('presence');
  if (old) old.remove();
  if (!state.me || !state.presence) return;
  const available = state.presence.availability === 'available';
  const button = el('button', {
    type: 'button', id: 'presence', class: 'presence ' + (available ? 'available' : 'away'),
    'aria-pressed': available ? 'true' : 'false', title: t('presence-hint'),
    onclick: toggle,
  }, available ? t('presence-available') : t('presence-away'));
  $('logout').before(button);
}

async function toggle() {
  const next = state.presence.availability === 'available' ? 'away' : 'available';
  try {
    state.presence = await api('/presence', { method: 'PUT', body: { availability: next } });
    announce(next === 'available' ? t('presence-available') : t('presence-away'));
  } catch (err) {
    announce(errorText(err));
  }
  renderPresence();
  const button = $('presence');
  if (button) button.focus();
}
