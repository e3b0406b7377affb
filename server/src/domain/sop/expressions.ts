import { evaluate, parse } from '@marcbachmann/cel-js';

// Gates and conditions are CEL (Common Expression Language): side-effect free, no loops, no
// access to anything but the variables given — safe to let sales ops write them. Nothing is eval'ed.

export type ExprNode = { op: string; args: unknown };

/** Parses an expression; a syntax error comes back as a message, never as an exception. */
export function parseExpression(expr: string): { ok: true; ast: ExprNode } | { ok: false; error: string } {
  try {
    return { ok: true, ast: (parse(expr) as unknown as { ast: ExprNode }).ast };
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] ?? 'syntax error' };
  }
}

/** Dotted variable paths an expression reads: `forms.needs.budget`, `record.amount`. */
export function referencedPaths(ast: ExprNode): string[] {
  const out = new Set<string>();
  const pathOf = (n: ExprNode): string | undefined => {
    if (n.op === 'id' && typeof n.args === 'string') return n.args;
    if (n.op === '.' && Array.isArray(n.args)) {
      const base = pathOf(n.args[0] as ExprNode);
      return base !== undefined ? `${base}.${String(n.args[1])}` : undefined;
    }
    return undefined;
  };
  const walk = (n: unknown) => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== 'object') return;
    const node = n as ExprNode;
    const path = typeof node.op === 'string' ? pathOf(node) : undefined;
    if (path) {
      out.add(path);
      return;
    }
    walk(node.args);
  };
  walk(ast);
  return [...out];
}

/** Evaluates to a boolean; a runtime error (missing key, wrong type) is returned, not thrown. */
export function evaluateCondition(
  expr: string,
  vars: Record<string, unknown>,
): { ok: true; value: boolean } | { ok: false; error: string } {
  try {
    const value = evaluate(expr, vars);
    return { ok: true, value: value === true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] ?? 'evaluation error' };
  }
}
