import { ConfigError } from '@runge/tensor-ops';

/** A config object as read from JSON: keys to unknown values. */
export type RawConfig = Readonly<Record<string, unknown>>;

/** Checks that `value` is a plain object and that it has only `allowed` keys. */
export function checkKeys(value: unknown, allowed: readonly string[], where: string): RawConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where}: expected an object, got ${describe(value)}`);
  }
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${where}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; allowed keys: ${allowed.map((k) => `'${k}'`).join(', ')}`,
    );
  }
  return value as RawConfig;
}

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array ${JSON.stringify(value)}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return JSON.stringify(value) ?? String(value);
}

/** Range constraints of a numeric config value. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly exclusiveMin?: boolean;
}

function rangeText(range: NumberRange): string {
  const parts = [range.integer ? 'an integer' : 'a finite number'];
  if (range.min !== undefined) parts.push(`${range.exclusiveMin ? '>' : '>='} ${range.min}`);
  if (range.max !== undefined) parts.push(`<= ${range.max}`);
  return parts.join(' ');
}

/** Reads a number (with a default when absent), checking its range. */
export function readNumber(
  config: RawConfig,
  key: string,
  where: string,
  range: NumberRange,
  fallback?: number,
): number {
  const value = config[key] ?? fallback;
  if (value === undefined) {
    throw new ConfigError(`${where}.${key}: missing; expected ${rangeText(range)}`);
  }
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined || (range.exclusiveMin ? value > range.min : value >= range.min)) &&
    (range.max === undefined || value <= range.max);
  if (!ok) {
    throw new ConfigError(`${where}.${key}: expected ${rangeText(range)}, got ${describe(value)}`);
  }
  return value as number;
}

/** Reads one of a list of allowed values (with a default when absent). */
export function readOneOf<const T extends string | number | boolean>(
  config: RawConfig,
  key: string,
  where: string,
  allowed: readonly T[],
  fallback?: T,
): T {
  const value = config[key] ?? fallback;
  if (!allowed.includes(value as T)) {
    const list = allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ');
    throw new ConfigError(
      `${where}.${key}: ${value === undefined ? 'missing' : `unknown ${describe(value)}`}; expected one of ${list}`,
    );
  }
  return value as T;
}

/** Reads a boolean (with a default when absent). */
export function readBoolean(
  config: RawConfig,
  key: string,
  where: string,
  fallback: boolean,
): boolean {
  const value = config[key] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${where}.${key}: expected true or false, got ${describe(value)}`);
  }
  return value;
}

/** Reads a list of positive integers of one of the given lengths. */
export function readShape(
  value: unknown,
  where: string,
  lengths: readonly number[],
): readonly number[] {
  const ok =
    Array.isArray(value) &&
    lengths.includes(value.length) &&
    value.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0);
  if (!ok) {
    throw new ConfigError(
      `${where}: expected ${lengths.map((n) => `${n}`).join(' or ')} positive integers, got ${describe(value)}`,
    );
  }
  return Object.freeze([...(value as number[])]);
}
