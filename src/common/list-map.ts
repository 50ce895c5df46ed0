/**
 * Adds `item` to the list of `key`, creating it: in place, because a grouping of 1000 partitions of
 * one topic must not copy the list once per partition (which made a 1000-partition fetch quadratic).
 */
export function pushToList<K, T>(lists: Map<K, T[]>, key: K, item: T): void {
  const list = lists.get(key);
  if (list) list.push(item);
  else lists.set(key, [item]);
}
