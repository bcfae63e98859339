import { $, h, replace } from './dom.js';

/**
 * Signing in: the API key lives in this browser's local storage and goes out as
 * `Authorization: Bearer <key>` (and as ?access_token= for the live feed, which cannot
 * send headers). The first-start link carries it as #key=…, which never reaches a server.
 */

const STORAGE_KEY = 'treaty-ledger.api-key';

export function currentKey() {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function saveKey(key) {
  if (key) localStorage.setItem(STORAGE_KEY, key);
  else localStorage.removeItem(STORAGE_KEY);
}

/** Keeps the key of a sign-in link (#key=…) and takes it out of the address bar and history. */
export function adoptKeyFromLink() {
  const params = new URLSearchParams(location.hash.slice(1));
  const key = params.get('key');
  if (!key) return;
  saveKey(key.trim());
  params.delete('key');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
}

let dialog;

function signInDialog() {
  if (dialog) return dialog;
  const input = h('input', {
    id: 'api-key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
  });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const reason = h('p', { id: 'sign-in-reason' });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in-form' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    reason,
    h('label', { for: 'api-key' }, 'API key'),
    input,
    error,
    h(
      'div',
      { class: 'actions' },
      submit,
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
    ),
    h(
      'p',
      { class: 'hint' },
      'The key stays in this browser. On its first start the server prints a sign-in link; ',
      h('code', {}, 'npm run keys -- create --role viewer --name "…"'),
      ' makes a read-only key.',
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    error.hidden = true;
    submit.disabled = true;
    try {
      // Checked before it is kept: a mistyped key should say so here, not on every page.
      const response = await fetch('/api/agreements?limit=1', {
        headers: { accept: 'application/json', authorization: `Bearer ${key}` },
      });
      if (response.status === 401 || response.status === 403) {
        const body = await response.json().catch(() => undefined);
        throw new Error(body?.detail ?? 'This key was not accepted.');
      }
      saveKey(key);
      location.reload();
    } catch (e) {
      replace(error, e instanceof Error ? e.message : String(e));
      error.hidden = false;
      input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  dialog = h('dialog', { id: 'sign-in', 'aria-labelledby': 'sign-in-title' }, form);
  document.body.append(dialog);
  return dialog;
}

/** Opens the sign-in dialog, saying why. */
export function openSignIn(why) {
  const d = signInDialog();
  replace(d.querySelector('#sign-in-reason'), why ?? 'Paste an API key. A viewer key is enough to browse.');
  if (!d.open) d.showModal();
  d.querySelector('#api-key').focus();
}

/** Called on a 401: the server wants a key this browser does not have (or no longer valid). */
export function requireSignIn(detail) {
  openSignIn(
    currentKey()
      ? `The saved API key was not accepted${detail ? `: ${detail}` : '.'} Paste another one.`
      : 'This server asks for an API key before it shows its records. A viewer key is enough.',
  );
}

function renderSession() {
  const area = $('#session');
  if (!area) return;
  if (currentKey()) {
    replace(
      area,
      h('span', { class: 'signed-in' }, 'Signed in'),
      h(
        'button',
        {
          type: 'button',
          class: 'link-button',
          onclick: () => {
            saveKey(undefined);
            location.reload();
          },
        },
        'Sign out',
      ),
    );
  } else {
    replace(
      area,
      h('button', { type: 'button', class: 'secondary', onclick: () => openSignIn() }, 'Sign in'),
    );
  }
}

/** Runs first on every page. */
export function startSession() {
  adoptKeyFromLink();
  renderSession();
}
