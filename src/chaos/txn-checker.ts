/**
 * The checker of `yak chaos --workload txn`: a pure function from what the transactional pipeline did
 * (every transaction it began, with the records it wrote and how it ended) and what read_committed
 * readers saw, to the promises broken. Imports nothing: keep it small enough to trust at a glance.
 *
 * Output records are `<input seq>@<transaction id>`, so every record read names the transaction
 * that wrote it.
 */

/** How a transaction ended, as its producer knows it. */
export type TxnOutcome =
  /** EndTxn(commit) was answered NONE. */
  | 'committed'
  /** It was aborted, or never asked to commit (then only an abort can end it: by its producer, a fencing, or the timeout). */
  | 'aborted'
  /** The commit was sent but not answered: committed or aborted, all or nothing either way. */
  | 'unknown';

export interface TxnAttempt {
  id: string;
  outcome: TxnOutcome;
  /** Aborted on purpose by the workload (not after a failure). */
  deliberate: boolean;
  /** The output records it wrote: input seq and output partition. */
  records: { seq: number; partition: number }[];
}

export interface OutputRecord {
  partition: number;
  offset: number;
  value: string | null;
}

export interface TxnCheckInput {
  /** Every input seq in the input topic at the end (what the pipeline had to carry over). */
  inputs: ReadonlySet<number>;
  txns: readonly TxnAttempt[];
  /** The output topic read read_committed from start to end, once every transaction had ended. */
  output: readonly OutputRecord[];
  /** What a read_committed consumer reading along saw during the run. */
  seenDuringRun?: readonly OutputRecord[];
}

export interface TxnCheckResult {
  committed: number;
  aborted: number;
  deliberatelyAborted: number;
  unknown: number;
  inputs: number;
  outputRead: number;
  /** Input seqs with no copy in the output. */
  lost: number[];
  /** Extra copies of an input seq in the output (one entry per extra copy). */
  duplicated: { seq: number; partition: number; offset: number; txn: string }[];
  /** Jepsen's G1a: a read_committed reader saw a record of an aborted transaction. */
  abortedReads: (OutputRecord & { txn: string; during: 'run' | 'final read' })[];
  /** Transactions partly visible at the end: some of their records, not all (or none of a committed one). */
  torn: { txn: string; outcome: TxnOutcome; visible: number; written: number }[];
  /** Output records no transaction wrote (unparsable, unknown transaction, or not one of its records). */
  unexpected: OutputRecord[];
  /** Seen during the run, not at that offset at the end. */
  phantom: OutputRecord[];
}

export function parseOutput(value: string | null): { seq: number; txn: string } | null {
  const m = value === null ? null : /^(0|[1-9]\d*)@(.+)$/.exec(value);
  return m ? { seq: Number(m[1]), txn: m[2]! } : null;
}

export function checkTxn(input: TxnCheckInput): TxnCheckResult {
  const txns = new Map(input.txns.map((t) => [t.id, t]));
  const written = new Map(input.txns.map((t) => [t.id, new Set(t.records.map((r) => `${r.seq}/${r.partition}`))]));
  const wrote = (t: TxnAttempt, seq: number, partition: number) => written.get(t.id)!.has(`${seq}/${partition}`);
  const unexpected: OutputRecord[] = [];
  const abortedReads: TxnCheckResult['abortedReads'] = [];
  /** Whose record a read is, or null (unexpected). */
  const writer = (r: OutputRecord): { seq: number; txn: TxnAttempt } | null => {
    const parsed = parseOutput(r.value);
    const txn = parsed ? txns.get(parsed.txn) : undefined;
    return parsed && txn && wrote(txn, parsed.seq, r.partition) ? { seq: parsed.seq, txn } : null;
  };

  const copies = new Map<number, number>();
  const visible = new Map<string, number>();
  const duplicated: TxnCheckResult['duplicated'] = [];
  const ordered = [...input.output].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  for (const r of ordered) {
    const w = writer(r);
    if (!w) {
      unexpected.push(r);
      continue;
    }
    visible.set(w.txn.id, (visible.get(w.txn.id) ?? 0) + 1);
    if (w.txn.outcome === 'aborted') {
      abortedReads.push({ ...r, txn: w.txn.id, during: 'final read' });
      continue;
    }
    const n = (copies.get(w.seq) ?? 0) + 1;
    copies.set(w.seq, n);
    if (n > 1) duplicated.push({ seq: w.seq, partition: r.partition, offset: r.offset, txn: w.txn.id });
    if (!input.inputs.has(w.seq)) unexpected.push(r);
  }
  const lost = [...input.inputs].filter((seq) => !copies.has(seq)).sort((a, b) => a - b);

  const torn: TxnCheckResult['torn'] = [];
  for (const t of input.txns) {
    const n = visible.get(t.id) ?? 0;
    const all = t.records.length;
    if ((t.outcome === 'committed' && n < all) || (t.outcome === 'unknown' && n > 0 && n < all)) torn.push({ txn: t.id, outcome: t.outcome, visible: n, written: all });
  }

  const finalAt = new Map<string, string | null>();
  for (const r of input.output) finalAt.set(`${r.partition}/${r.offset}`, r.value);
  const phantom: OutputRecord[] = [];
  for (const r of input.seenDuringRun ?? []) {
    const w = writer(r);
    if (w?.txn.outcome === 'aborted') abortedReads.push({ ...r, txn: w.txn.id, during: 'run' });
    if (finalAt.get(`${r.partition}/${r.offset}`) !== r.value) phantom.push(r);
  }

  const count = (outcome: TxnOutcome) => input.txns.filter((t) => t.outcome === outcome).length;
  return {
    committed: count('committed'),
    aborted: count('aborted'),
    deliberatelyAborted: input.txns.filter((t) => t.outcome === 'aborted' && t.deliberate).length,
    unknown: count('unknown'),
    inputs: input.inputs.size,
    outputRead: input.output.length,
    lost,
    duplicated,
    abortedReads,
    torn,
    unexpected,
    phantom,
  };
}

/** One phrase per kind of violation, empty when the run kept every promise. */
export function txnViolations(r: TxnCheckResult): string[] {
  const out: string[] = [];
  const add = (n: number, what: string) => n > 0 && out.push(`${n} ${what}`);
  add(r.lost.length, 'lost');
  add(r.duplicated.length, 'duplicated');
  add(r.abortedReads.length, 'aborted read(s)');
  add(r.torn.length, 'torn transaction(s)');
  add(r.unexpected.length, 'unexpected');
  add(r.phantom.length, 'phantom');
  return out;
}
