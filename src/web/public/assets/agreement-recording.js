import { ApiError, currentSession, getAll, getJson, loadStateNames, postJson } from './api.js';
import { h, replace } from './dom.js';
import { eventLabel, formatDate } from './format.js';
import { fieldsFor, problemErrors } from './record-form.js';

/**
 * Recording from the agreement page (admin and recorder keys; a viewer sees no control): the Record
 * event form, drawn from GET /api/event-types for the agreement's current status, and Retract… on
 * each event. Writes send If-Match with the version on screen; the page then updates from the live
 * feed, never by reloading.
 */

let session;
let types;
let states;

async function registry() {
  states ??= [...(await loadStateNames())].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  return states;
}

/** May the signed-in key write to this agreement? */
export async function canRecord(agreement) {
  session ??= (await currentSession()) ?? null;
  if (!session) return false;
  if (session.role === 'admin') return true;
  return session.role === 'recorder' && agreement.parties.some((p) => session.parties.includes(p));
}

function dialogWith(titleId, ...content) {
  const dialog = h('dialog', { class: 'form-dialog', 'aria-labelledby': titleId }, ...content);
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  return dialog;
}

/** What was recorded after the version the form was opened on, in words. */
async function changesSince(agreementId, version) {
  const events = await getAll(`/api/agreements/${encodeURIComponent(agreementId)}/events?limit=1000`);
  return events
    .filter((e) => e.version > version)
    .map((e) => `${eventLabel(e.type)} (${formatDate(e.occurredOn)}), recorded by ${e.actor}`);
}

function occurredOnField() {
  return fieldsFor([{ name: 'occurredOn', label: 'Occurred on', kind: 'date', required: false }], []);
}

/**
 * Shows a refusal: field errors beside their fields (in whichever of the form's field sets has the
 * field), a 412 as "changed since you opened it" with what changed (the input stays), anything else
 * above the buttons. Returns the version the next press should send.
 */
async function showRefusal(error, { fieldSets, general, agreementId, version }) {
  replace(general, '');
  general.hidden = true;
  if (!(error instanceof ApiError)) {
    replace(general, error.message ?? String(error));
    general.hidden = false;
    return version;
  }
  if (error.status === 412) {
    const changes = await changesSince(agreementId, version).catch(() => []);
    replace(
      general,
      'This agreement changed since you opened it. Your input is kept: check it against what changed, then press Record again.',
      changes.length
        ? h(
            'ul',
            {},
            changes.map((c) => h('li', {}, c)),
          )
        : '',
    );
    general.hidden = false;
    const latest = await getJson(`/api/agreements/${encodeURIComponent(agreementId)}`).catch(() => undefined);
    return latest?.version ?? version;
  }
  const elsewhere = fieldSets.reduce((rest, set) => set.showErrors(rest), problemErrors(error.problem));
  if (elsewhere.length) {
    replace(general, elsewhere.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '));
    general.hidden = false;
  }
  fieldSets.some((set) => set.focusFirstError());
  return version;
}

/** Opens the Record event form on the agreement as shown (its status and version). */
export async function openRecordForm(agreement, { onRecorded }) {
  types ??= (await getJson('/api/event-types')).items;
  const allowed = types.filter(
    (t) =>
      t.allowedIn.includes(agreement.status) && t.type !== 'EventRetracted' && t.type !== 'AgreementProposed',
  );
  const stateList = await registry();
  let version = agreement.version;
  const select = h(
    'select',
    { id: 'event-type', name: 'type', required: true },
    h('option', { value: '' }, 'Choose an event…'),
    allowed.map((t) => h('option', { value: t.type }, t.label)),
  );
  const when = occurredOnField();
  const area = h('div', { class: 'event-fields' });
  const general = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit' }, 'Record');
  let fields = fieldsFor([], stateList);
  select.addEventListener('change', () => {
    const chosen = allowed.find((t) => t.type === select.value);
    fields = fieldsFor(chosen?.fields ?? [], stateList);
    replace(area, fields.elements);
  });
  const form = h(
    'form',
    { class: 'record-form', novalidate: true },
    h('h2', { id: 'record-title' }, `Record an event on ${agreement.title}`),
    h('p', { class: 'hint' }, `Only the events its status (${agreement.status.replace('_', ' ')}) allows.`),
    h('div', { class: 'form-field' }, h('label', { for: 'event-type' }, 'Event type'), select),
    when.elements,
    area,
    general,
    h(
      'div',
      { class: 'actions' },
      submit,
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
    ),
  );
  const dialog = dialogWith('record-title', form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!select.value) {
      replace(general, 'Choose an event type.');
      general.hidden = false;
      select.focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = { type: select.value, ...when.read(), data: fields.read() };
      await postJson(`/api/agreements/${encodeURIComponent(agreement.id)}/events`, body, {
        ifMatch: version,
      });
      dialog.close();
      onRecorded?.(select.selectedOptions[0]?.textContent ?? 'Event');
    } catch (error) {
      if (error?.field) {
        fields.showErrors([error]);
      } else {
        version = await showRefusal(error, {
          fieldSets: [when, fields],
          general,
          agreementId: agreement.id,
          version,
        });
      }
    } finally {
      submit.disabled = false;
    }
  });
  dialog.showModal();
  select.focus();
}

/** Retract… on one event: a reason is required; the event stays in the audit trail, marked. */
export function openRetractForm(agreement, event, eventId, { onRecorded }) {
  const reason = fieldsFor(
    [{ name: 'reason', label: 'Reason', kind: 'long-text', required: true, maxLength: 1000 }],
    [],
  );
  const general = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit' }, 'Retract');
  let version = agreement.version;
  const form = h(
    'form',
    { class: 'record-form', novalidate: true },
    h('h2', { id: 'retract-title' }, `Retract ${eventLabel(event.type)} of ${formatDate(event.occurredOn)}`),
    h(
      'p',
      { class: 'hint' },
      'A retraction says the event was recorded in error. It leaves the status and the timeline; the audit trail keeps both.',
    ),
    reason.elements,
    general,
    h(
      'div',
      { class: 'actions' },
      submit,
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
    ),
  );
  const dialog = dialogWith('retract-title', form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = reason.read();
    if (!data.reason) {
      reason.showErrors([{ field: 'reason', message: 'is required: say why it was recorded in error' }]);
      reason.focusFirstError();
      return;
    }
    submit.disabled = true;
    try {
      await postJson(
        `/api/agreements/${encodeURIComponent(agreement.id)}/events`,
        { type: 'EventRetracted', data: { eventId, reason: data.reason } },
        { ifMatch: version },
      );
      dialog.close();
      onRecorded?.('Retraction');
    } catch (error) {
      version = await showRefusal(error, {
        fieldSets: [reason],
        general,
        agreementId: agreement.id,
        version,
      });
    } finally {
      submit.disabled = false;
    }
  });
  dialog.showModal();
}

/** Propose agreement (on the list): the proposal's fields from GET /api/event-types, then its page. */
export async function openProposeForm(signedIn) {
  types ??= (await getJson('/api/event-types')).items;
  const proposal = types.find((t) => t.type === 'AgreementProposed');
  const stateList = await registry();
  const idField = fieldsFor(
    [
      {
        name: 'id',
        label: 'Id',
        kind: 'text',
        required: false,
        maxLength: 64,
      },
    ],
    [],
  );
  const when = occurredOnField();
  const fields = fieldsFor(proposal.fields, stateList);
  const general = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit' }, 'Propose');
  const form = h(
    'form',
    { class: 'record-form', novalidate: true },
    h('h2', { id: 'propose-title' }, 'Propose an agreement'),
    signedIn?.role === 'recorder'
      ? h(
          'p',
          { class: 'hint' },
          `As a recorder for ${signedIn.parties.join(', ')}: one of them must be a party.`,
        )
      : '',
    idField.elements,
    h(
      'p',
      { class: 'hint' },
      'Lowercase letters, digits and dashes; left empty, one is made from the parties.',
    ),
    fields.elements,
    when.elements,
    general,
    h(
      'div',
      { class: 'actions' },
      submit,
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
    ),
  );
  const dialog = dialogWith('propose-title', form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    general.hidden = true;
    try {
      const body = { ...idField.read(), ...fields.read(), ...when.read() };
      const created = await postJson('/api/agreements', body);
      location.href = `/agreements/${encodeURIComponent(created.id)}`;
    } catch (error) {
      if (error?.field) fields.showErrors([error]);
      else
        await showRefusal(error, {
          fieldSets: [idField, fields, when],
          general,
          agreementId: '',
          version: 0,
        });
    } finally {
      submit.disabled = false;
    }
  });
  dialog.showModal();
  form.querySelector('input, select, textarea')?.focus();
}
