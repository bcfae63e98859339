import { h, replace } from './dom.js';

/**
 * A form drawn from an event type's description (GET /api/event-types): one labelled field per data
 * field, of the kind the server says (dates as YYYY, YYYY-MM or YYYY-MM-DD, parties picked from the
 * state registry by name), an error line under each for the problem's field errors. The page keeps no
 * copy of the server's schemas.
 */

const DATE_PATTERN = '\\d{4}(-\\d{2}(-\\d{2})?)?';
let counter = 0;

function control(field, states, id) {
  const required = field.required && field.kind !== 'boolean';
  const common = { id, name: field.name, ...(required ? { required: true } : {}) };
  const stateOptions = (selected = []) =>
    states.map((s) =>
      h('option', { value: s.code, selected: selected.includes(s.code) }, `${s.name} (${s.code})`),
    );
  switch (field.kind) {
    case 'date':
      return h('input', {
        ...common,
        type: 'text',
        inputmode: 'numeric',
        pattern: DATE_PATTERN,
        placeholder: 'YYYY, YYYY-MM or YYYY-MM-DD',
        autocomplete: 'off',
      });
    case 'party':
      return h('select', common, h('option', { value: '' }, 'Choose a state…'), stateOptions());
    case 'parties':
      return h('select', { ...common, multiple: true, size: 6 }, stateOptions());
    case 'choice':
      return h(
        'select',
        common,
        h('option', { value: '' }, 'Choose…'),
        field.allowedValues.map((v) => h('option', { value: v }, String(v).replaceAll('_', ' '))),
      );
    case 'choices':
      return h(
        'select',
        { ...common, multiple: true, size: Math.min(6, field.allowedValues.length) },
        field.allowedValues.map((v) => h('option', { value: v }, String(v).replaceAll('_', ' '))),
      );
    case 'integer':
      return h('input', { ...common, type: 'number', step: 1, min: field.minimum, max: field.maximum });
    case 'boolean':
      return h('input', { ...common, type: 'checkbox' });
    case 'long-text':
      return h('textarea', { ...common, rows: 3, maxlength: field.maxLength });
    case 'list':
      return h('textarea', { ...common, rows: 3, placeholder: 'One per line' });
    case 'object':
      return h('textarea', {
        ...common,
        rows: 3,
        placeholder: 'A JSON object, e.g. {"reviewEveryMonths": 24}',
      });
    default:
      return h('input', { ...common, type: 'text', maxlength: field.maxLength, autocomplete: 'off' });
  }
}

/** A field's value as the API takes it; undefined when left empty. Throws a message for a bad object. */
function valueOf(field, element) {
  switch (field.kind) {
    case 'boolean':
      return element.checked ? true : undefined;
    case 'parties':
    case 'choices': {
      const chosen = [...element.selectedOptions].map((o) => o.value);
      return chosen.length ? chosen : undefined;
    }
    case 'integer':
      return element.value === '' ? undefined : Number(element.value);
    case 'list': {
      const lines = element.value
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      return lines.length ? lines : undefined;
    }
    case 'object': {
      if (element.value.trim() === '') return undefined;
      try {
        return JSON.parse(element.value);
      } catch {
        throw new Error('must be a JSON object');
      }
    }
    default:
      return element.value.trim() === '' ? undefined : element.value.trim();
  }
}

/**
 * The fields of one description, and what a form does with them: read the values (keeping what was
 * typed across a refusal), and show each field error beside its field.
 */
export function fieldsFor(fields, states) {
  const prefix = `f${++counter}`;
  const rows = fields.map((field) => {
    const id = `${prefix}-${field.name}`;
    const element = control(field, states, id);
    const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
    element.setAttribute('aria-describedby', `${id}-error`);
    const wrapper = h(
      'div',
      { class: `form-field kind-${field.kind}`, dataset: { field: field.name } },
      field.kind === 'boolean'
        ? h('label', { for: id, class: 'check' }, element, ` ${field.label}`)
        : [
            h(
              'label',
              { for: id },
              field.label,
              field.required ? '' : h('span', { class: 'muted' }, ' (optional)'),
            ),
            element,
          ],
      error,
    );
    return { field, element, error, wrapper };
  });
  return {
    elements: rows.map((r) => r.wrapper),
    /** The values, or throws { field, message } for a value the page can tell is wrong. */
    read() {
      const data = {};
      for (const { field, element } of rows) {
        try {
          const value = valueOf(field, element);
          if (value !== undefined) data[field.name] = value;
        } catch (error) {
          throw { field: field.name, message: error.message };
        }
      }
      return data;
    },
    /** Shows each error beside its field; returns those that name no field here. */
    showErrors(errors) {
      for (const r of rows) {
        r.error.hidden = true;
        r.wrapper.classList.remove('has-error');
      }
      const elsewhere = [];
      for (const e of errors) {
        const name = String(e.field ?? '')
          .split(/[.,\s]+/)
          .filter((part) => part && part !== 'data' && !/^\d+$/.test(part))[0];
        const row = rows.find((r) => r.field.name === name);
        if (!row) {
          elsewhere.push(e);
          continue;
        }
        replace(row.error, e.message ?? 'is not valid');
        row.error.hidden = false;
        row.wrapper.classList.add('has-error');
      }
      return elsewhere;
    },
    /** Focuses the first field showing an error; false when none does. */
    focusFirstError() {
      const row = rows.find((r) => !r.error.hidden);
      row?.element.focus();
      return Boolean(row);
    },
  };
}

/** The problem's field errors: `errors` of a 400, or the detail alone. */
export const problemErrors = (problem) =>
  Array.isArray(problem?.errors) ? problem.errors : [{ field: '', message: problem?.detail ?? 'Refused' }];
