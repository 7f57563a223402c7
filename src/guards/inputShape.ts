/**
 * The shape of a JSON-like value, measured without recursion (a value nested 100,000 deep must not
 * overflow the stack while it is being refused): how deep its objects and lists nest, and how many values
 * it holds. Stops counting once past `stopAfter` values.
 */
export interface InputShape {
  depth: number;
  values: number;
}

export function inputShape(value: unknown, stopAfter = Number.MAX_SAFE_INTEGER): InputShape {
  let depth = 0;
  let values = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [current, level] = stack.pop()!;
    if (current === null || typeof current !== 'object' || current instanceof Date) continue;
    const children = Array.isArray(current) ? current : Object.values(current);
    if (level + 1 > depth) depth = level + 1;
    values += children.length;
    if (values > stopAfter) break;
    for (const child of children) stack.push([child, level + 1]);
  }
  return { depth, values };
}
