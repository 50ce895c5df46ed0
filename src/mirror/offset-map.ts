/**
 * Which destination offset each copied source record got, for one partition: the mirror's
 * counterpart of MirrorMaker 2's offset syncs, but exact. Records are copied in order, so a run of
 * source records with consecutive offsets lands at consecutive destination offsets: one segment
 * (source, destination, count). A gap in the source's offsets (a transaction marker, an aborted or
 * compacted record, records lost to retention) or a record someone else wrote on the destination
 * starts the next segment. A log without transactions or compaction copied in one go is one segment.
 */
export interface OffsetSegment {
  /** Source offset of the segment's first record. */
  source: number;
  /** Destination offset that record got. */
  destination: number;
  /** Records in the segment: source offsets source..source+count-1 are destination..destination+count-1. */
  count: number;
}

export class PartitionOffsetMap {
  private readonly segments: OffsetSegment[];
  /** Segments added or grown since `takeChanged` last ran: what the next checkpoint writes. */
  private readonly changed = new Set<OffsetSegment>();

  constructor(segments: readonly OffsetSegment[] = []) {
    this.segments = segments.map((s) => ({ ...s })).sort((a, b) => a.source - b.source);
  }

  /** The source offset after the last copied record: where copying goes on (null: nothing copied yet). */
  get nextSource(): number | null {
    const last = this.segments.at(-1);
    return last ? last.source + last.count : null;
  }

  /** The destination offset after the last copied record (null: nothing copied yet). */
  get nextDestination(): number | null {
    const last = this.segments.at(-1);
    return last ? last.destination + last.count : null;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /**
   * Records that the source record at `source` is the destination's record at `destination`.
   * Records come in their partition's order (the idempotent producer answers them so); one out of
   * order would make every later translation wrong, so it throws.
   */
  add(source: number, destination: number): void {
    const last = this.segments.at(-1);
    if (last && (source < last.source + last.count || destination < last.destination + last.count)) {
      throw new Error(`mirror offsets out of order: source ${source} -> destination ${destination} after ${last.source + last.count - 1} -> ${last.destination + last.count - 1}`);
    }
    if (last && source === last.source + last.count && destination === last.destination + last.count) {
      last.count++;
      this.changed.add(last);
      return;
    }
    const segment = { source, destination, count: 1 };
    this.segments.push(segment);
    this.changed.add(segment);
  }

  /**
   * The destination offset a consumer committed at source offset `committed` resumes from: that of
   * the first copied record at or after `committed`, so it reads exactly what it had not read yet.
   * Past every copied record: the destination offset after the last one. Null when nothing was
   * copied (there is no destination offset to name).
   */
  translate(committed: number): number | null {
    if (this.segments.length === 0) return null;
    // The last segment starting at or before `committed` (binary search: a transactional log has one per transaction).
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.source <= committed) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const at = found >= 0 ? this.segments[found]! : null;
    if (at && committed < at.source + at.count) return at.destination + (committed - at.source);
    const next = this.segments[found + 1];
    return next ? next.destination : this.nextDestination;
  }

  /** The segments added or grown since the last call (each once), for the checkpoint. */
  takeChanged(): OffsetSegment[] {
    const out = [...this.changed].map((s) => ({ ...s }));
    this.changed.clear();
    return out;
  }
}
