// deserialization.json: the variable-length integer prefix of RFC 9420 §2.1.2 ("vlbytes" headers).
import { describe, expect, test } from "vitest";
import { determineLength, lengthEncoder } from "ts-mls/codec/variableLength.js";
import { hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface VlHeader {
  vlbytes_header: string;
  length: number;
}

const FILE = "deserialization.json";
const cases = loadVectors<VlHeader>(FILE);
const tally = new Tally(FILE);

describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", (_i, v) => {
    const header = hex(v.vlbytes_header);
    const { length, lengthFieldSize } = determineLength(header);
    expect(length).toBe(v.length);
    expect(lengthFieldSize).toBe(header.length);
    // Encoding back must give the same (minimal, §2.1.2) header.
    const [size, write] = lengthEncoder(v.length);
    const buf = new ArrayBuffer(size);
    write(0, buf);
    expect(toHex(new Uint8Array(buf))).toBe(v.vlbytes_header);
    tally.ran();
  });
});
