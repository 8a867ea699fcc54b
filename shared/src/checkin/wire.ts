/**
 * Wire-type checking that @bufbuild/protobuf's `fromBinary` does not do. It reads a known field
 * number by the field's declared type whatever wire type the record carries (a varint where a
 * message belongs is read as a length, an empty length-delimited record where a uint32 belongs
 * as a zero). Google's runtimes (C++, and the upb one pulpcore's Python uses) treat a record
 * whose wire type does not fit its field as an unknown field instead
 * (docs/contract.md#2-ingest-of-check-ins): this drops such records, at every depth, before the
 * message is decoded, so both read the same facts from the same bytes.
 */
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

/** As deep as `fromBinary` itself goes (its default recursion limit). */
const MAX_DEPTH = 100;

function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}

function messageWireType(field: { delimitedEncoding: boolean }): WireType {
  return field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited;
}

/** Whether a record of this wire type is a value of this field (packed or not, for lists). */
function fits(field: DescField, wireType: WireType): boolean {
  switch (field.fieldKind) {
    case "scalar":
      return wireType === scalarWireType(field.scalar);
    case "enum":
      return wireType === WireType.Varint;
    case "message":
      return wireType === messageWireType(field);
    case "map":
      return wireType === WireType.LengthDelimited;
    case "list": {
      if (field.listKind === "message") return wireType === messageWireType(field);
      const element = field.listKind === "enum" ? WireType.Varint : scalarWireType(field.scalar);
      const packable = element !== WireType.LengthDelimited;
      return wireType === element || (packable && wireType === WireType.LengthDelimited);
    }
  }
}

/** The message type a length-delimited record of this field holds, if it holds one. */
function childOf(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  return undefined;
}

/**
 * `bytes` without the records whose wire type does not fit their known field, or `bytes` itself
 * when there are none. Throws, as `fromBinary` would, on bytes that are not protobuf at all.
 */
export function withoutMisfitFields(schema: DescMessage, bytes: Uint8Array, depth = 0): Uint8Array {
  if (depth > MAX_DEPTH) throw new Error(`maximum recursion depth of ${MAX_DEPTH} reached`);
  const reader = new BinaryReader(bytes);
  const writer = new BinaryWriter();
  let changed = false;
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const [fieldNo, wireType] = reader.tag();
    const field = schema.fields.find((f) => f.number === fieldNo);
    if (field !== undefined && !fits(field, wireType)) {
      reader.skip(wireType, fieldNo);
      changed = true;
      continue;
    }
    const child = field && wireType === WireType.LengthDelimited ? childOf(field) : undefined;
    if (child !== undefined) {
      const tagEnd = reader.pos;
      const payload = reader.bytes();
      const kept = withoutMisfitFields(child, payload, depth + 1);
      if (kept !== payload) {
        writer.raw(bytes.subarray(start, tagEnd)).bytes(kept);
        changed = true;
        continue;
      }
    } else {
      reader.skip(wireType, fieldNo);
    }
    writer.raw(bytes.subarray(start, reader.pos));
  }
  return changed ? writer.finish() : bytes;
}
