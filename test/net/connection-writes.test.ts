/**
 * What a client Connection hands its socket: a produce request's record batch goes out as the
 * producer's own buffer (one corked writev of the frame's chunks), not joined into a copy of the
 * frame, and the broker reads the same bytes either way; the requests made in one turn of the event
 * loop go to the kernel together, in one writev.
 */
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Connection } from '../../src/net/connection.js';
import { ProduceApi, type ProduceRequest } from '../../src/protocol/apis/produce.js';
import { FrameDecoder, decodeRequestHeader, finishFrame, readRequestHeaderTags, startResponseFrame } from '../../src/protocol/framing.js';
import { Reader } from '../../src/protocol/reader.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch-builder.js';

/** A broker stand-in on 127.0.0.1 that answers each Produce with offset 0 and keeps the requests it read. */
async function produceServer() {
  const received: ProduceRequest[] = [];
  const server = net.createServer((socket) => {
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      decoder.push(chunk);
      for (const frame of decoder.drain()) {
        const r = new Reader(frame);
        const header = decodeRequestHeader(r);
        readRequestHeaderTags(r, ProduceApi, header.apiVersion);
        const req = ProduceApi.decodeRequest(r, header.apiVersion);
        received.push(req);
        const w = startResponseFrame(header.correlationId);
        ProduceApi.encodeResponse(w, { responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode: 0, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0 })) })), throttleTimeMs: 0 }, header.apiVersion);
        socket.write(finishFrame(w));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { received, port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

test('a produce request writes its record batch uncopied, and the broker reads it whole', async () => {
  const server = await produceServer();
  const conn = await Connection.connect('127.0.0.1', server.port);
  const batch = encodeRecordBatch(Array.from({ length: 100 }, (_, i) => ({ key: null, value: Buffer.alloc(100, i), timestamp: 1_700_000_000_000 + i })));
  const written: Uint8Array[] = [];
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (this: net.Socket, chunk: Uint8Array, ...rest: unknown[]) {
    written.push(chunk);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof write;
  let res;
  try {
    res = await conn.request(ProduceApi, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }] });
  } finally {
    net.Socket.prototype.write = write;
    conn.close();
    server.close();
  }
  assert.is(res.responses[0]!.partitionResponses[0]!.errorCode, 0);
  assert.ok(written.some((c) => c === batch), 'the batch itself went to the socket');
  assert.equal(server.received[0]!.topicData[0]!.partitionData[0]!.records, batch, 'the broker read the same batch bytes');
});

test('the requests made in one turn of the event loop go out in one writev, each read whole by the broker', async () => {
  const server = await produceServer();
  const conn = await Connection.connect('127.0.0.1', server.port);
  const batches = [0, 1, 2].map((n) => encodeRecordBatch([{ key: null, value: Buffer.alloc(1000, n), timestamp: 1_700_000_000_000 + n }]));
  // The client's socket only (the stand-in broker's sockets are in this process too).
  let socketWrites = 0;
  const fromClient = (s: net.Socket) => s.remotePort === server.port;
  const proto = net.Socket.prototype as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const { _write, _writev } = proto;
  proto._write = function (this: net.Socket, ...a: unknown[]) {
    if (fromClient(this)) socketWrites++;
    return _write.apply(this, a);
  };
  proto._writev = function (this: net.Socket, ...a: unknown[]) {
    if (fromClient(this)) socketWrites++;
    return _writev.apply(this, a);
  };
  let answers;
  try {
    answers = await Promise.all(batches.map((records) => conn.request(ProduceApi, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] })));
  } finally {
    proto._write = _write;
    proto._writev = _writev;
    conn.close();
    server.close();
  }
  assert.is(socketWrites, 1, 'one writev for the three requests');
  assert.equal(answers.map((a) => a.responses[0]!.partitionResponses[0]!.errorCode), [0, 0, 0]);
  assert.equal(server.received.map((r) => r.topicData[0]!.partitionData[0]!.records), batches, 'the broker read each batch, in order');
});

test.run();
