// sha256 hashes in the notations Nix users write them in, normalized to hex and SRI.
import type { Sha256 } from "./desired.js";
import { NIX32_ALPHABET, decodeNix32, encodeNix32 } from "./nix32.js";

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]{43}=$/;
const NIX32 = new RegExp(`^[${NIX32_ALPHABET}]{52}$`);

// The notations a sha256 can be written in, with the length each needs.
const NOTATIONS = {
  sri: { name: "SRI base64", length: 44 },
  hex: { name: "hex", length: 64 },
  nix32: { name: "nix32", length: 52 },
} as const;

function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function fromBytes(bytes: Uint8Array): Sha256 {
  const hex = bytesToHex(bytes);
  return { hex, sri: sriFromHex(hex) };
}

function fromBase64(text: string): Sha256 | null {
  if (!BASE64.test(text)) return null;
  const binary = atob(text);
  return fromBytes(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

// A hash body without prefix: 64 hex digits or 52 nix32 characters (hex wins: 64 chars cannot be nix32).
function fromBody(body: string): Sha256 | null {
  if (HEX.test(body)) return fromBytes(hexToBytes(body));
  if (!NIX32.test(body)) return null;
  const bytes = decodeNix32(body, 32);
  return bytes === null ? null : fromBytes(bytes);
}

/** A sha256 from SRI ("sha256-<base64>"), "sha256:<hex, nix32 or base64>", bare hex or bare nix32; null when malformed. */
export function parseSha256(text: string): Sha256 | null {
  if (text.startsWith("sha256-")) return fromBase64(text.slice(7));
  if (text.startsWith("sha256:")) {
    const body = text.slice(7);
    return body.length === 44 ? fromBase64(body) : fromBody(body);
  }
  return fromBody(text);
}

/** The SRI form ("sha256-<base64>") of 64 hex digits. */
export function sriFromHex(hex: string): string {
  const bytes = hexToBytes(hex);
  return `sha256-${btoa(String.fromCharCode(...bytes))}`;
}

/** The nix32 form of 64 hex digits, as `nix-hash --type sha256 --to-base32` prints it. */
export function toNix32(hex: string): string {
  return encodeNix32(hexToBytes(hex));
}

// Which notation a malformed hash body was most likely meant to be in.
function guessNotation(body: string): keyof typeof NOTATIONS {
  if (/^[0-9a-fA-F]*$/.test(body)) return "hex";
  if (new RegExp(`^[${NIX32_ALPHABET}]*$`).test(body)) return "nix32";
  return body.length === 52 ? "nix32" : "hex";
}

// Explains a body that is not valid in the notation it was taken for.
function explain(body: string, notation: keyof typeof NOTATIONS, where: string): string {
  const { name, length } = NOTATIONS[notation];
  const assumed = `was read as ${name} ${where}, which needs ${length} characters`;
  if (body.length !== length) return `${assumed}; it has ${body.length}`;
  if (notation === "nix32") {
    return `${assumed} from the alphabet "${NIX32_ALPHABET}" (no e, o, t, u) and starting with 0 or 1`;
  }
  if (notation === "sri") return `${assumed} of base64 (A-Z a-z 0-9 + /) ending in "="`;
  return `${assumed} of 0-9 and a-f`;
}

/** Why a hash is not a valid sha256 (which notation was assumed, the length it needs), or null when it is valid. */
export function describeSha256Problem(text: string): string | null {
  if (parseSha256(text) !== null) return null;
  const algorithm = /^([a-z0-9]+)[-:]/.exec(text)?.[1];
  if (algorithm !== undefined && algorithm !== "sha256") {
    return `uses ${algorithm}; volplan pins artifacts by sha256 only`;
  }
  if (text.startsWith("sha256-")) return explain(text.slice(7), "sri", 'after "sha256-"');
  if (text.startsWith("sha256:")) {
    const body = text.slice(7);
    return explain(body, body.length === 44 ? "sri" : guessNotation(body), 'after "sha256:"');
  }
  return explain(text, guessNotation(text), "(no prefix)");
}
