// Shell quoting for the commands volplan suggests in fixes and hints: one word at a time.
// Pure (no Node built-ins) so the planner can build fix text with it.
import { escapeControlsAsBytes, hasControls } from "./escape-controls.js";

// Words made only of these need no quotes in sh or bash ("~" and "#" do at the start; "!" in
// interactive bash; "=" is fine: these words are never the first of a command).
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One argument quoted for a POSIX shell: as it is when plain, else in single quotes ('it'\''s'),
 * or as $'…' with escapes when it holds control characters, so the printed command shows no
 * raw control character and pastes back as exactly the same argument (in bash, zsh, ksh, and
 * sh that follow POSIX.1-2024).
 */
export function shellQuote(word: string): string {
  if (word === "") return "''";
  if (PLAIN.test(word)) return word;
  if (!hasControls(word)) return `'${word.replaceAll("'", `'\\''`)}'`;
  // Backslashes and quotes first, so the escapes escapeControls then adds stay escapes.
  return `$'${escapeControlsAsBytes(word.replace(/[\\']/g, (c) => `\\${c}`))}'`;
}

/** A command line from its words, each quoted with shellQuote: shellCommand("e2label", path, label). */
export function shellCommand(...words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}
