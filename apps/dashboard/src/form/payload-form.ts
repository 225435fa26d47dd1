/** The parts of a JSON Schema property the form generator reads. */
interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  anyOf?: PropertySchema[];
  oneOf?: PropertySchema[];
}

/** How a field is edited. */
type FieldKind = 'text' | 'textarea' | 'number' | 'select' | 'checkbox' | 'json';

/** One field of a generated form, ready for the template (no logic left to it). */
export interface FormField {
  readonly name: string;
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly required: boolean;
  readonly isSelect: boolean;
  readonly isCheckbox: boolean;
  readonly isTextarea: boolean;
  readonly isInput: boolean;
  readonly inputType: string;
  readonly step: string;
  readonly min: string;
  readonly max: string;
  readonly hint: string;
  readonly value: string;
  readonly checked: boolean;
  readonly options: readonly { value: string; selected: boolean }[];
  readonly error: string;
}

/** Raw form values as posted (field name -> string). */
export type FormValues = Readonly<Record<string, string | undefined>>;

/** A payload read from a form, or per-field problems found before validation. */
export type FormReading = { ok: true; payload: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

function properties(schema: Record<string, unknown>): [string, PropertySchema][] {
  const props = schema['properties'];
  return props && typeof props === 'object' ? Object.entries(props as Record<string, PropertySchema>) : [];
}

function requiredSet(schema: Record<string, unknown>): Set<string> {
  const req = schema['required'];
  return new Set(Array.isArray(req) ? req.filter((r): r is string => typeof r === 'string') : []);
}

function kindOf(p: PropertySchema): FieldKind {
  if (Array.isArray(p.enum) && p.enum.every((v) => typeof v === 'string')) return 'select';
  if (p.type === 'boolean') return 'checkbox';
  if (p.type === 'integer' || p.type === 'number') return 'number';
  if (p.type === 'string') return (p.maxLength ?? 0) > 1_000 ? 'textarea' : 'text';
  return 'json';
}

/** Whether a JSON field also accepts a bare string (e.g. "one address or a list"). */
function acceptsString(p: PropertySchema): boolean {
  return [...(p.anyOf ?? []), ...(p.oneOf ?? [])].some((s) => s.type === 'string');
}

const INPUT_TYPE: Record<string, string> = { email: 'email', uri: 'url', date: 'date' };

/**
 * The fields of a form for a payload JSON Schema (as `payloadJsonSchema` makes it):
 * text, number, select, checkbox, or a JSON text area for objects, arrays and
 * unions. `values` and `errors` fill a form being shown again after a rejection.
 */
export function formFields(schema: Record<string, unknown>, values: FormValues = {}, errors: Readonly<Record<string, string>> = {}): FormField[] {
  const required = requiredSet(schema);
  return properties(schema).map(([name, p]) => {
    const kind = kindOf(p);
    const hasDefault = p.default !== undefined;
    const given = values[name];
    const value = given ?? (hasDefault && kind !== 'checkbox' ? (typeof p.default === 'string' ? p.default : JSON.stringify(p.default)) : '');
    return {
      name,
      id: `field-${name}`,
      label: name,
      description: p.description ?? '',
      required: required.has(name) && !hasDefault,
      isSelect: kind === 'select',
      isCheckbox: kind === 'checkbox',
      isTextarea: kind === 'textarea' || kind === 'json',
      isInput: kind === 'text' || kind === 'number',
      inputType: kind === 'number' ? 'number' : (INPUT_TYPE[p.format ?? ''] ?? 'text'),
      step: p.type === 'integer' ? '1' : 'any',
      min: p.minimum === undefined ? '' : String(p.minimum),
      max: p.maximum === undefined ? '' : String(p.maximum),
      hint: kind === 'json' ? (acceptsString(p) ? 'Text, or JSON for a list' : 'JSON') : hasDefault ? `Default: ${JSON.stringify(p.default)}` : '',
      value,
      checked: kind === 'checkbox' && (given === undefined ? p.default === true : given === 'on' || given === 'true'),
      options: kind === 'select' ? [...(required.has(name) ? [] : [{ value: '', selected: value === '' }]), ...(p.enum as string[]).map((v) => ({ value: v, selected: v === value }))] : [],
      error: errors[name] ?? '',
    };
  });
}

/**
 * Turns posted form values into a payload for the contract's own validation:
 * numbers become numbers, JSON fields are parsed, empty optional fields are left
 * out. Only JSON that does not parse is reported here; everything else is left
 * to the contract so its messages are the ones shown.
 */
export function readForm(schema: Record<string, unknown>, values: FormValues): FormReading {
  const required = requiredSet(schema);
  const payload: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, p] of properties(schema)) {
    const kind = kindOf(p);
    const raw = values[name];
    if (kind === 'checkbox') {
      payload[name] = raw === 'on' || raw === 'true';
      continue;
    }
    const text = raw ?? '';
    if (text.trim() === '') {
      if (required.has(name) && p.default === undefined && kind !== 'number' && kind !== 'json') payload[name] = text;
      continue;
    }
    if (kind === 'number') {
      const n = Number(text.trim());
      payload[name] = Number.isFinite(n) ? n : text;
    } else if (kind === 'json') {
      const trimmed = text.trim();
      const looksJson = /^[[{"]/.test(trimmed) || !acceptsString(p);
      if (!looksJson) {
        payload[name] = text;
        continue;
      }
      try {
        payload[name] = JSON.parse(trimmed);
      } catch {
        errors[name] = 'must be valid JSON';
      }
    } else {
      payload[name] = text;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, payload };
}
