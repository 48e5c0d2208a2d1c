import ts from 'typescript';

/**
 * Writes a compiler type as self-contained TypeScript text: object types spelled out
 * field by field, aliases and imported names expanded, so the typed client's
 * declarations need nothing from the server's modules. Replies and requests are JSON,
 * so primitives, literals, arrays, tuples, plain objects and unions are all there is;
 * anything else (a function, a cycle) is written `unknown`, and `unknowns` counts
 * them so the generator can refuse a type it could not spell.
 *
 * An object shape that several declarations use (an instance, a job group) is written
 * once, as a named interface in `shared`, and referred to by name; one that has most
 * of an earlier shape's fields (a job with its tag hits) picks them from it. The
 * generator runs twice: first counting, to learn which shapes recur, then, after
 * `startWriting()`, to write.
 */
export class TypePrinter {
  unknowns = 0;
  private counting = true;
  /** The named interfaces of the recurring shapes, in the order they were first used. */
  readonly shared: string[] = [];
  private readonly uses = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private readonly taken = new Set<string>();
  private readonly inProgress = new Set<ts.Type>();
  private inlineOnly = 0;
  private readonly inlined = new Map<ts.Type, { text: string; fields: string[] }>();
  /** Shapes in the order first seen, with their fields written out in full. */
  private readonly seen = new Map<string, string[]>();
  /** A shape that picks fields from an earlier one: the earlier one and the fields. */
  private readonly picks = new Map<string, { from: string; fields: Set<string> }>();

  constructor(private readonly checker: ts.TypeChecker, reservedNames: Iterable<string>) {
    for (const name of reservedNames) this.taken.add(name);
  }

  /** `type` as text, its lines after the first indented from the line it is written on; `hint` names a shared shape. */
  print(type: ts.Type, hint = 'Item'): string {
    const { checker } = this;
    const flags = type.flags;
    if (flags & ts.TypeFlags.Any || flags & ts.TypeFlags.Unknown) return 'unknown';
    if (flags & ts.TypeFlags.Never) return 'never';
    if (flags & ts.TypeFlags.Boolean) return 'boolean';
    if (flags & ts.TypeFlags.String) return 'string';
    if (flags & ts.TypeFlags.Number) return 'number';
    if (flags & ts.TypeFlags.Null) return 'null';
    if (flags & ts.TypeFlags.Undefined || flags & ts.TypeFlags.Void) return 'undefined';
    if (type.isStringLiteral()) return JSON.stringify(type.value);
    if (type.isNumberLiteral()) return String(type.value);
    if (flags & ts.TypeFlags.BooleanLiteral) return checker.typeToString(type);
    if (type.isUnion()) return this.union(type.types, hint);
    if (checker.isTupleType(type)) {
      return `[${checker.getTypeArguments(type as ts.TypeReference).map((t) => this.print(t, hint)).join(', ')}]`;
    }
    if (checker.isArrayType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      const text = element ? this.print(element, singular(hint)) : 'unknown';
      return /^[\w"]+$/.test(text) ? `${text}[]` : `Array<${text}>`;
    }
    if (flags & ts.TypeFlags.Object || type.isIntersection()) return this.object(type, hint);
    this.unknowns++;
    return 'unknown';
  }

  /** Ends the counting run: recurring shapes, and those most of another's fields make up, are named from now on. */
  startWriting(): void {
    this.counting = false;
    const shapes = [...this.seen];
    shapes.forEach(([shape, fields], j) => {
      let best: { from: string; fields: Set<string> } | undefined;
      for (const [earlier, theirs] of shapes.slice(0, j)) {
        const shared = new Set(fields.filter((field) => theirs.includes(field)));
        if (shared.size >= MIN_SHARED_FIELDS && shared.size > (best?.fields.size ?? 0)) best = { from: earlier, fields: shared };
      }
      if (!best) return;
      this.uses.set(best.from, Math.max(2, this.uses.get(best.from) ?? 0));
      this.picks.set(shape, best);
    });
  }

  /** The fields of an object type as interface members, indented two spaces. */
  members(type: ts.Type, fields: FieldOptions = {}): string {
    return this.fieldList(type, fields).map((field) => field.text).join('\n');
  }

  /** Each field of an object type, written as `members` writes it (its doc comment included). */
  fieldList(type: ts.Type, fields: FieldOptions = {}): Array<{ name: string; text: string }> {
    const { checker } = this;
    const { order, describe, retype, optional, within } = fields;
    const properties = checker.getPropertiesOfType(type);
    if (order) properties.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    const list: Array<{ name: string; text: string }> = [];
    for (const property of properties) {
      const propertyType = checker.getTypeOfSymbol(property);
      const mayBeAbsent = (property.flags & ts.SymbolFlags.Optional) !== 0 || includesUndefined(propertyType) || optional?.(property.name) === true;
      const description = describe?.(property.name);
      const doc = description ? `  /** ${description.replaceAll('*/', '* /')} */\n` : '';
      const present = mayBeAbsent ? checker.getNonNullableType(propertyType) : propertyType;
      const keepsNull = mayBeAbsent && includesNull(propertyType) ? ' | null' : '';
      const hint = within && GENERIC_FIELDS.has(property.name) ? `${within}${property.name}` : property.name;
      const text = `${this.print(present, hint)}${keepsNull}`;
      const written = retype ? retype(property.name, text) : text;
      list.push({ name: property.name, text: `${doc}  ${propertyName(property.name)}${mayBeAbsent ? '?' : ''}: ${written.replaceAll('\n', '\n  ')};` });
    }
    for (const info of checker.getIndexInfosOfType(type)) {
      list.push({ name: '', text: `  [key: ${checker.typeToString(info.keyType)}]: ${this.print(info.type).replaceAll('\n', '\n  ')};` });
    }
    return list;
  }

  private object(type: ts.Type, hint: string): string {
    if (type.getCallSignatures().length > 0 || this.inProgress.has(type)) {
      this.unknowns++;
      return 'unknown';
    }
    const { text: inline, fields } = this.inline(type);
    if (inline === 'Record<string, never>' || this.inlineOnly > 0) return inline;
    if (this.counting) {
      this.uses.set(inline, (this.uses.get(inline) ?? 0) + 1);
      if (!this.seen.has(inline)) this.seen.set(inline, fields);
      return this.body(type, hint);
    }
    if ((this.uses.get(inline) ?? 0) >= 2) return this.names.get(inline) ?? this.hoist(type, inline, hint);
    const picked = this.picked(type, inline, fields, hint);
    if (!picked) return this.body(type, hint);
    return picked.own === '' ? picked.from : `${picked.from} & {\n${picked.own}\n}`;
  }

  /** `Pick<Earlier, ...>` and the other fields, where the shape picks from an earlier one already named. */
  private picked(type: ts.Type, inline: string, fields: string[], hint: string): { from: string; own: string } | undefined {
    const pick = this.picks.get(inline);
    const base = pick && this.names.get(pick.from);
    if (!pick || !base) return undefined;
    const own = this.fieldList(type, { within: hint }).filter((_, i) => !pick.fields.has(fields[i]!));
    const names = this.checker.getPropertiesOfType(type).filter((_, i) => pick.fields.has(fields[i]!)).map((p) => `'${p.name}'`);
    return { from: `Pick<${base}, ${names.join(' | ')}>`, own: own.map((field) => field.text).join('\n') };
  }

  /** The shape written out in full, no shared name used: what identifies it, and its fields so. */
  private inline(type: ts.Type): { text: string; fields: string[] } {
    const known = this.inlined.get(type);
    if (known !== undefined) return known;
    this.inlineOnly++;
    this.inProgress.add(type);
    try {
      const fields = this.fieldList(type).map((field) => field.text);
      const shape = { text: fields.length === 0 ? 'Record<string, never>' : `{\n${fields.join('\n')}\n}`, fields };
      this.inlined.set(type, shape);
      return shape;
    } finally {
      this.inProgress.delete(type);
      this.inlineOnly--;
    }
  }

  private body(type: ts.Type, hint: string): string {
    this.inProgress.add(type);
    try {
      const members = this.members(type, { within: hint });
      return members === '' ? 'Record<string, never>' : `{\n${members}\n}`;
    } finally {
      this.inProgress.delete(type);
    }
  }

  private hoist(type: ts.Type, inline: string, hint: string): string {
    const base = /^[A-Za-z_]\w*$/.test(hint) ? hint[0]!.toUpperCase() + hint.slice(1) : 'Shape';
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}${n}`;
    this.taken.add(name);
    const picked = this.picked(type, inline, this.inline(type).fields, hint);
    this.names.set(inline, name);
    const body = picked ? picked.own : this.members(type, { within: hint });
    this.shared.push(`export interface ${name}${picked ? ` extends ${picked.from}` : ''} {${body ? `\n${body}\n` : ''}}`);
    return name;
  }

  private union(types: readonly ts.Type[], hint: string): string {
    const hasTrue = types.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'true');
    const hasFalse = types.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'false');
    const parts: string[] = [];
    if (hasTrue && hasFalse) parts.push('boolean');
    for (const member of types) {
      if (hasTrue && hasFalse && member.flags & ts.TypeFlags.BooleanLiteral) continue;
      const text = this.print(member, hint);
      if (!parts.includes(text)) parts.push(text);
    }
    return parts.join(' | ');
  }
}

/** Fields alike with an earlier shape that make it worth picking them from there. */
export const MIN_SHARED_FIELDS = 4;

/** How `members` writes the fields of one declaration. */
export interface FieldOptions {
  /** Field names in the order to write them (the compiler's order otherwise). */
  order?: readonly string[];
  /** A doc comment for a field. */
  describe?: (name: string) => string | undefined;
  /** Rewrites a field's type text. */
  retype?: (name: string, text: string) => string;
  /** Fields to write optional whatever their type says. */
  optional?: (name: string) => boolean;
  /** The name of the shape the fields belong to, which a generic field's shape is named after (Jobs.List -> JobsList). */
  within?: string;
}

/** Field names that say nothing of what they hold: a shape under one is named after its parent too. */
const GENERIC_FIELDS = new Set(['List', 'Items', 'Data', 'Records', 'Result']);

/** The name of an array's element from the array's: Instances -> Instance. */
function singular(name: string): string {
  return name.length > 3 && name.endsWith('s') && !name.endsWith('ss') ? name.slice(0, -1) : `${name}Item`;
}

function includesUndefined(type: ts.Type): boolean {
  return type.isUnion() ? type.types.some((t) => t.flags & ts.TypeFlags.Undefined) : (type.flags & ts.TypeFlags.Undefined) !== 0;
}

function includesNull(type: ts.Type): boolean {
  return type.isUnion() && type.types.some((t) => t.flags & ts.TypeFlags.Null);
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
