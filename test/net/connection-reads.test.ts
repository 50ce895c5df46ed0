/**
 * How a client Connection reads its socket (net.Socket's onread): into one buffer it reuses for
 * every read, frames copied out of it, except the bulk of a large frame, read straight into it. A decoded answer's buffers (a fetch's records, which consumed
 * records' keys and values view) must stay intact after later reads overwrite that buffer, whether
 * its frame fitted one read, shared one with other frames, or spanned many.
 */
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Connection } from '../../src/net/connection.js';
import { FetchApi, type FetchResponse } from '../../src/protocol/apis/fetch.js';
import { FrameDecoder, decodeRequestHeader, finishFrame, readRequestHeaderTags, startResponseFrame } from '../../src/protocol/framing.js';
import { Reader } from '../../src/protocol/reader.js';

const version = 11;
/** Records bytes of the answer to request `i`: small ones share a read, large ones span several. */
const recordsOf = (i: number) => Buffer.alloc([100, 300 * 1024, 7, 70_000, 1][i % 5]!, (i * 37 + 1) & 0xff);

/** A broker stand-in answering Fetch requests; it holds answers back until `count` requests came, then writes them at once. */
async function fetchServer(count: number) {
  const server = net.createServer((socket) => {
    const decoder = new FrameDecoder();
    const answers: Buffer[] = [];
    socket.on('data', (chunk) => {
      decoder.push(chunk);
      for (const frame of decoder.drain()) {
        const r = new Reader(frame);
        const header = decodeRequestHeader(r);
        readRequestHeaderTags(r, FetchApi, header.apiVersion);
        const i = header.correlationId - 1;
        const w = startResponseFrame(header.correlationId);
        const partition = { partitionIndex: 0, errorCode: 0, highWatermark: 0, lastStableOffset: 0, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records: recordsOf(i) };
        FetchApi.encodeResponse(w, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', partitions: [partition] }] }, version);
        answers.push(finishFrame(w));
        if (answers.length === count) socket.write(Buffer.concat(answers));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

test('answers read through the reused read buffer stay intact after later reads, none aliases it, large ones are read into their own frame', async () => {
  const count = 20;
  const server = await fetchServer(count);
  const connect = net.connect;
  /** Each read: how many bytes, and into which buffer. */
  const reads: { n: number; into: Uint8Array }[] = [];
  let wrapped = 0;
  net.connect = ((opts: net.TcpNetConnectOpts) => {
    const onread = opts.onread;
    if (!onread || typeof onread.buffer !== 'function') return connect(opts);
    wrapped++;
    const callback = onread.callback.bind(onread);
    return connect({ ...opts, onread: { buffer: onread.buffer, callback: (n, into) => (reads.push({ n, into }), callback(n, into)) } });
  }) as typeof net.connect;
  let conn: Connection;
  try {
    conn = await Connection.connect('127.0.0.1', server.port);
  } finally {
    net.connect = connect;
  }
  try {
    assert.is(wrapped, 1, 'a plain connection reads through onread');
    const req = { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] };
    const answers: FetchResponse[] = await Promise.all(Array.from({ length: count }, () => conn.request(FetchApi, version, req)));
    const readBuffer = reads[0]!.into; // the first read starts a frame: it goes to the shared buffer
    answers.forEach((res, i) => {
      const records = res.responses[0]!.partitions[0]!.records!;
      assert.ok(records.equals(recordsOf(i)), `answer ${i}'s records intact`);
      assert.is.not(records.buffer, readBuffer.buffer, `answer ${i} does not view the read buffer`);
    });
    const large = answers.map((res) => res.responses[0]!.partitions[0]!.records!).filter((r) => r.length >= 300 * 1024);
    const direct = reads.filter((r) => large.some((f) => f.buffer === r.into.buffer)).reduce((sum, r) => sum + r.n, 0);
    assert.ok(direct > large.length * 200 * 1024, `most of each 300 KiB answer read straight into its frame (${direct} bytes)`);
  } finally {
    conn.close();
    server.close();
  }
});

test.run();
