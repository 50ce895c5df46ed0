/**
 * Why a broker.rack value cannot be used, or null. Racks are compared as strings and printed in
 * Metadata, logs and `yak status`: printable ASCII without spaces keeps them unambiguous there.
 */
export function rackNameProblem(rack: string): string | null {
  return /^[\x21-\x7e]{1,255}$/.test(rack) ? null : `rack ${JSON.stringify(rack.slice(0, 64))} must be 1 to 255 printable ASCII characters, without spaces`;
}
