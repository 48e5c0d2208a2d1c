import ts from 'typescript';

/**
 * Writes a compiler type as self-contained TypeScript text: object types spelled out
 * field by field, aliases and imported names expanded, so the typed client's
 * declarations need nothing from the server's modules. Replies and requests are JSON,
 * so primitives, literals, arrays, tuples, plain objects and unions are all there is;
 * anything else (a function, a cycle) is written `unknown`, and `unknowns` counts
 * them so the generator can refuse a type it could not spell.
 */
export class TypePrinter {
  unknowns = 0;
  private readonly inProgress = new Set<ts.Type>();

  constructor(private readonly checker: ts.TypeChecker) {}

  print(type: ts.Type, indent = ''): string {
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
    if (type.isUnion()) return this.union(type.types, indent);
    if (checker.isTupleType(type)) {
      return `[${checker.getTypeArguments(type as ts.TypeReference).map((t) => this.print(t, indent)).join(', ')}]`;
    }
    if (checker.isArrayType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      const text = element ? this.print(element, indent) : 'unknown';
      return /^[\w"]+$/.test(text) ? `${text}[]` : `Array<${text}>`;
    }
    if (flags & ts.TypeFlags.Object || type.isIntersection()) return this.object(type, indent);
    this.unknowns++;
    return 'unknown';
  }

  /** The fields of an object type as interface members at `indent`. */
  members(type: ts.Type, indent: string, fields: FieldOptions = {}): string {
    const { checker } = this;
    const { order, describe, retype } = fields;
    const properties = checker.getPropertiesOfType(type);
    if (order) properties.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    const lines: string[] = [];
    for (const property of properties) {
      const propertyType = checker.getTypeOfSymbol(property);
      const mayBeAbsent = (property.flags & ts.SymbolFlags.Optional) !== 0 || includesUndefined(propertyType);
      const description = describe?.(property.name);
      if (description) lines.push(`${indent}/** ${description.replaceAll('*/', '* /')} */`);
      const present = mayBeAbsent ? checker.getNonNullableType(propertyType) : propertyType;
      const keepsNull = mayBeAbsent && includesNull(propertyType) ? ' | null' : '';
      const text = `${this.print(present, indent)}${keepsNull}`;
      lines.push(`${indent}${propertyName(property.name)}${mayBeAbsent ? '?' : ''}: ${retype ? retype(property.name, text) : text};`);
    }
    for (const info of checker.getIndexInfosOfType(type)) {
      lines.push(`${indent}[key: ${checker.typeToString(info.keyType)}]: ${this.print(info.type, indent)};`);
    }
    return lines.join('\n');
  }

  private object(type: ts.Type, indent: string): string {
    if (type.getCallSignatures().length > 0 || this.inProgress.has(type)) {
      this.unknowns++;
      return 'unknown';
    }
    this.inProgress.add(type);
    try {
      const body = this.members(type, `${indent}  `);
      return body === '' ? 'Record<string, never>' : `{\n${body}\n${indent}}`;
    } finally {
      this.inProgress.delete(type);
    }
  }

  private union(types: readonly ts.Type[], indent: string): string {
    const hasTrue = types.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'true');
    const hasFalse = types.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'false');
    const parts: string[] = [];
    if (hasTrue && hasFalse) parts.push('boolean');
    for (const member of types) {
      if (hasTrue && hasFalse && member.flags & ts.TypeFlags.BooleanLiteral) continue;
      const text = this.print(member, indent);
      if (!parts.includes(text)) parts.push(text);
    }
    return parts.join(' | ');
  }
}

/** How `members` writes the fields of one declaration. */
export interface FieldOptions {
  /** Field names in the order to write them (the compiler's order otherwise). */
  order?: readonly string[];
  /** A doc comment for a field. */
  describe?: (name: string) => string | undefined;
  /** Rewrites a field's type text. */
  retype?: (name: string, text: string) => string;
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
