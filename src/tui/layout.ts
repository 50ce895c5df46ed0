/**
 * Splits the terminal into panes. Everything is sized from the terminal, never the other way
 * round: Ink clears the whole screen when a frame is as tall as the terminal, so a frame is one
 * row shorter (no flicker), and every pane gets a fixed height so updates never shift the others.
 *
 * Narrow (under 150 columns):           Wide:
 *   header                                header
 *   brokers                               brokers
 *   topics                                topics
 *   produce | consume                     produce | consume | events
 *   events
 *   footer                                footer
 */
export interface Layout {
  width: number;
  /** Rows of each pane, title row included. */
  brokers: number;
  topics: number;
  /** The produce/consume row (and events in wide mode). */
  bottom: number;
  /** The events strip in narrow mode; 0 in wide mode. */
  events: number;
  wide: boolean;
  produceWidth: number;
  consumeWidth: number;
  /** Events column width in wide mode. */
  eventsWidth: number;
}

export const WIDE_COLUMNS = 150;
/** Title, topic, key, value, result. */
const PRODUCE_ROWS = 5;

export function computeLayout(columns: number, rows: number, processCount: number, topicRowsWanted: number): Layout {
  const width = Math.max(40, columns);
  const height = Math.max(16, rows) - 1; // one short of the terminal: see above
  const body = height - 2; // header and footer
  const wide = width >= WIDE_COLUMNS;
  const brokers = Math.min(1 + processCount, Math.max(3, Math.floor(body / 3)));
  const avail = body - brokers;
  let topics: number;
  let bottom: number;
  let events: number;
  if (wide) {
    topics = clamp(1 + Math.max(1, topicRowsWanted), 3, Math.floor(avail * 0.55));
    bottom = avail - topics;
    events = 0;
  } else {
    const eventsMin = 3;
    topics = clamp(1 + Math.max(1, topicRowsWanted), 3, avail - PRODUCE_ROWS - eventsMin);
    const rest = avail - topics;
    bottom = Math.max(PRODUCE_ROWS, Math.min(rest - eventsMin, Math.ceil(rest * 0.55)));
    events = rest - bottom;
  }
  const produceWidth = wide ? Math.min(48, Math.floor(width * 0.22)) : Math.max(26, Math.min(40, Math.floor(width * 0.38)));
  const eventsWidth = wide ? Math.floor((width - produceWidth) * 0.55) : width;
  const consumeWidth = wide ? width - produceWidth - eventsWidth : width - produceWidth;
  return { width, brokers, topics, bottom, events, wide, produceWidth, consumeWidth, eventsWidth };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
