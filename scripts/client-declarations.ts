import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { ActionDefinition } from '../src/protocol/action.ts';
import { ACTIONS } from '../src/protocol/registry.ts';
import { MIN_SHARED_FIELDS, TypePrinter } from './client-type-printer.ts';

/**
 * The text of src/client/generated/actions.ts, the typed client's declarations, from
 * the action registry (scripts/generate-client.ts writes it): the compiler reads each registered action's request and reply
 * types (ActionDefinition's `types`, which defineAction infers from the parameter
 * declarations and the handler) and they are written out in full, so the client
 * carries no import of server code. CI regenerates it and diffs (like docs/api.md):
 * an action added to the registry shows up in the client with no hand edit.
 */
const REGISTRY = fileURLToPath(new URL('../src/protocol/registry.ts', import.meta.url));
export const CLIENT_DECLARATIONS = new URL('../src/client/generated/actions.ts', import.meta.url);

function fail(message: string): never {
  throw new Error(`client declarations: ${message}`);
}

/** The expressions the registry's ACTIONS list is made of, in order: `...INSTANCE_ACTIONS` opened up. */
function registeredExpressions(program: ts.Program, checker: ts.TypeChecker): ts.Expression[] {
  const source = program.getSourceFile(REGISTRY) ?? fail(`cannot read ${REGISTRY}`);
  const listOf = (declaration: ts.Declaration | undefined, what: string): readonly ts.Expression[] => {
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer || !ts.isArrayLiteralExpression(declaration.initializer)) {
      fail(`${what} must be declared as an array literal`);
    }
    return declaration.initializer.elements;
  };
  let actions: ts.Declaration | undefined;
  source.forEachChild((node) => {
    if (ts.isVariableStatement(node)) {
      for (const declaration of node.declarationList.declarations) if (declaration.name.getText(source) === 'ACTIONS') actions = declaration;
    }
  });
  const expressions: ts.Expression[] = [];
  for (const element of listOf(actions, 'ACTIONS')) {
    if (!ts.isSpreadElement(element)) {
      expressions.push(element);
      continue;
    }
    let symbol = checker.getSymbolAtLocation(element.expression) ?? fail(`cannot resolve ${element.expression.getText(source)}`);
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    expressions.push(...listOf(symbol.valueDeclaration, symbol.name));
  }
  return expressions;
}

/** A parameter's request type: JSON-valued ones also take the JSON text itself, as the official clients send it. */
function jsonLeniency(definition: ActionDefinition, name: string, text: string): string {
  const spec = definition.params[name];
  if (spec?.format !== 'json') return text;
  if (typeof spec.wireType === 'object') return `Array<${text.replace(/\[\]$/, '').replace(/^Array<([\s\S]*)>$/, '$1')} | string>`;
  return `${text} | string`;
}

type Field = { name: string; text: string };

/**
 * An interface of `fields`; where an earlier one (`written`) has at least
 * MIN_SHARED_FIELDS of them alike (CreateJobGroup's settings, which ModifyJobGroup
 * takes too), it picks those from there rather than writing them again.
 */
function interfaceOf(name: string, doc: string, fields: Field[], written: Map<string, Field[]>): string {
  let best: { from: string; shared: Set<string> } | undefined;
  for (const [earlier, theirs] of written) {
    const texts = new Set(theirs.map((field) => field.text));
    const shared = new Set(fields.filter((field) => field.name && texts.has(field.text)).map((field) => field.name));
    if (shared.size >= MIN_SHARED_FIELDS && shared.size > (best?.shared.size ?? 0)) best = { from: earlier, shared };
  }
  written.set(name, fields);
  const own = best ? fields.filter((field) => !best.shared.has(field.name)) : fields;
  const picked = best ? ` extends Pick<${best.from}, ${[...best.shared].map((field) => `'${field}'`).join(' | ')}>` : '';
  const body = own.map((field) => field.text).join('\n');
  return `/** ${doc} */\nexport interface ${name}${picked} {${body ? `\n${body}\n` : ''}}`;
}

/** Each action's request and reply interfaces, its row of ActionTypes and of JSON_PARAMETERS. */
function writeActions(checker: ts.TypeChecker, printer: TypePrinter, expressions: readonly ts.Expression[]) {
  const declarations: string[] = [];
  const table: string[] = [];
  const jsonParameters: string[] = [];
  const written = new Map<string, Field[]>();
  expressions.forEach((expression, i) => {
    const definition = ACTIONS[i]!;
    const name = definition.name;
    const typesSymbol = checker.getPropertyOfType(checker.getTypeAtLocation(expression), 'types') ?? fail(`${name}: no types`);
    const types = checker.getNonNullableType(checker.getTypeOfSymbol(typesSymbol));
    const request = checker.getTypeOfSymbol(checker.getPropertyOfType(types, 'request') ?? fail(`${name}: no request type`));
    const reply = checker.getTypeOfSymbol(checker.getPropertyOfType(types, 'reply') ?? fail(`${name}: no reply type`));
    if (request.flags & ts.TypeFlags.Unknown) fail(`${name}: its request type is erased; build it with defineAction and do not annotate it as ActionDefinition`);
    const declared = Object.keys(definition.params);
    const typed = checker.getPropertiesOfType(request).map((p) => p.name);
    if (typed.join() !== [...declared].sort((a, b) => typed.indexOf(a) - typed.indexOf(b)).join() || typed.length !== declared.length) {
      fail(`${name}: the compiler's request fields (${typed.join(', ')}) are not the declared parameters (${declared.join(', ')})`);
    }
    const unknownsBefore = printer.unknowns;
    const requestFields = printer.fieldList(request, {
      order: declared,
      describe: (param) => definition.params[param]?.description || undefined,
      retype: (param, text) => jsonLeniency(definition, param, text),
      // Required unless another parameter is given (JobsJson, with JobDataParsingTaskId): the server decides.
      optional: (param) => definition.params[param]?.requiredUnless !== undefined,
    });
    const replyFields = printer.fieldList(reply);
    if (printer.unknowns !== unknownsBefore) fail(`${name}: a request or reply type could not be written out`);
    declarations.push(interfaceOf(`${name}Request`, `${name}'s parameters.`, requestFields, written));
    declarations.push(interfaceOf(`${name}Reply`, `${name}'s reply, besides the envelope's RequestId, Success, Code, Message and HttpStatusCode.`, replyFields, written));
    table.push(`  /** ${name}: ${definition.summary.replaceAll('*/', '* /')} */\n  ${name}: { request: ${name}Request; reply: ${name}Reply };`);
    const json = declared.filter((p) => definition.params[p]!.format === 'json');
    jsonParameters.push(`  ${name}: [${json.map((p) => `'${p}'`).join(', ')}],`);
  });

  return { declarations, table, jsonParameters };
}

export function renderClientDeclarations(): string {
  const program = ts.createProgram([REGISTRY], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const expressions = registeredExpressions(program, checker);
  if (expressions.length !== ACTIONS.length) fail(`the compiler sees ${expressions.length} actions, the registry has ${ACTIONS.length}`);

  const reserved = ACTIONS.flatMap((a) => [`${a.name}Request`, `${a.name}Reply`]).concat(['ActionTypes', 'ActionName', 'ActionMethods', 'CallOptions', 'Envelope']);
  const printer = new TypePrinter(checker, reserved);
  // The first run counts the shapes, the second writes, naming those that recur.
  writeActions(checker, printer, expressions);
  printer.startWriting();
  printer.unknowns = 0;
  const { declarations, table, jsonParameters } = writeActions(checker, printer, expressions);

  return `// Generated by scripts/generate-client.ts from src/protocol/registry.ts (npm run generate:client).
// Do not edit: CI regenerates this file and fails when it differs.

${printer.shared.join('\n\n')}

${declarations.join('\n\n')}

/** Every action's request and reply, by wire name. */
export interface ActionTypes {
${table.join('\n')}
}

/** Each action's parameters whose value is a JSON document (src/client/flatten.ts). */
export const JSON_PARAMETERS: { readonly [A in keyof ActionTypes]: readonly string[] } = {
${jsonParameters.join('\n')}
};
`;
}
