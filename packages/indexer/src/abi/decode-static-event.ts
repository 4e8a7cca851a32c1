import type { AbiEvent, AbiParameter } from "viem";

/**
 * A fast decoder for events whose parameters are all static elementary types (address, bool,
 * intN, uintN, bytesN): reads 32-byte words straight from the hex and writes the arguments as
 * JSON text, with the same values as the viem path gives (lowercase addresses, decimal
 * strings for integers). The text is what the database stores (jsonb) as it is: building it
 * here costs less than building an object that is then stringified, and viem's general decoder
 * checksums every address (a keccak each), which dominated backfill time. Returns undefined
 * for events it cannot handle; the decoder throws when the log does not fit the event.
 */
export type StaticEventDecoder = (topics: string[], data: string) => string;

const STATIC = /^(address|bool|u?int\d*|bytes([1-9]|[12]\d|3[0-2]))$/;

/** Turns one 64-digit lowercase-or-not hex word into its JSON value text. */
type WordDecoder = (hex: string) => string;

export function compileStaticEventDecoder(event: AbiEvent): StaticEventDecoder | undefined {
  const inputs = event.inputs;
  if (!inputs.every((input) => STATIC.test(input.type))) return undefined;
  const indexedCount = inputs.filter((input) => input.indexed === true).length;
  const dataWords = inputs.length - indexedCount;
  const fields = inputs.map((input, i) => ({
    indexed: input.indexed === true,
    // `"name":`, with a comma before all but the first: keys are escaped once, here.
    prefix: `${i === 0 ? "" : ","}${JSON.stringify(input.name !== undefined && input.name !== "" ? input.name : String(i))}:`,
    decode: wordDecoder(input),
  }));
  return (topics, data) => {
    if (topics.length !== indexedCount + 1) throw new Error("topic count does not match the event");
    if (data.length !== 2 + dataWords * 64) throw new Error("data length does not match the event");
    let json = "{";
    let topic = 1;
    let word = 0;
    for (const field of fields) {
      const hex = field.indexed
        ? topics[topic++]!.slice(2)
        : data.slice(2 + word * 64, 2 + ++word * 64);
      json += field.prefix + field.decode(hex);
    }
    return `${json}}`;
  };
}

function wordDecoder(input: AbiParameter): WordDecoder {
  const type = input.type;
  if (type === "address") {
    return (hex) => {
      if (!/^0{24}/.test(hex)) throw new Error("dirty address bits");
      return `"0x${hex.slice(24).toLowerCase()}"`;
    };
  }
  if (type === "bool") {
    return (hex) => {
      if (!/^0{63}[01]$/.test(hex)) throw new Error("invalid bool");
      return hex.endsWith("1") ? "true" : "false";
    };
  }
  if (type.startsWith("bytes")) {
    const digits = Number(type.slice(5)) * 2;
    return (hex) => `"0x${hex.slice(0, digits).toLowerCase()}"`;
  }
  const signed = type.startsWith("int");
  const bits = type.endsWith("int") ? 256 : Number(type.replace(/^u?int/, ""));
  // The digits above the type's width are zeros (or, for a negative intN, f's): checked on the
  // text, so only the value's own digits become a BigInt.
  const high = 64 - bits / 4;
  const zeros = new RegExp(`^0{${high}}`);
  if (!signed) {
    return (hex) => {
      if (high > 0 && !zeros.test(hex)) throw new Error(`value out of range for ${type}`);
      return `"${BigInt(`0x${hex}`).toString()}"`;
    };
  }
  const ones = new RegExp(`^f{${high}}`, "i");
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits - 1)) - 1n;
  return (hex) => {
    let value = BigInt(`0x${hex}`);
    if (value >= 1n << 255n) value -= 1n << 256n;
    if (value < min || value > max || !(value < 0n ? ones : zeros).test(hex)) {
      throw new Error(`value out of range for ${type}`);
    }
    return `"${value.toString()}"`;
  };
}
