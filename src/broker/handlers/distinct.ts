/**
 * A request that names the same topic, partition, resource or group more than once gets one answer
 * for it, as in Kafka (whose handlers collect them into a Set or Map). Without this a small request
 * listing one large topic thousands of times had the broker build an answer thousands of times its
 * size: 100 KB of Metadata request naming a 1000-partition topic is half a gigabyte of response.
 * The first occurrence keeps its place (and its parameters).
 */
export function distinctBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
