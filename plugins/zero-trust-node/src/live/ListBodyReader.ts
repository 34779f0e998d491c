import { StringDecoder } from 'node:string_decoder';

type Json = Record<string, any>;

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

/**
 * Reads a Kubernetes list's JSON as it streams in and hands over each object of its
 * `items` as soon as it is complete, so a list of 20,000 objects is never held whole
 * (neither its text nor its parsed tree): each item is parsed alone, handed to
 * `onItem` (which keeps only what it needs) and dropped. Everything else (`kind`,
 * `metadata` with `resourceVersion` and `continue`) is returned by {@link end}.
 */
export class ListBodyReader {
  private readonly decoder = new StringDecoder('utf8');
  /** Text not yet consumed: from the start of an unfinished item or token. */
  private text = '';
  /** Where scanning resumes in `text`. */
  private at = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Where the last string at depth 1 started in `text` (the key before a value). */
  private keyStart = -1;
  private lastKey = '';
  private inItems = false;
  /** Where the current item started in `text`, or -1. */
  private itemStart = -1;
  /** The list without its items' text, which is parsed at the end. */
  private rest = '';
  /** Where text not yet copied to `rest` starts (-1 while inside `items`). */
  private restFrom = 0;

  constructor(private readonly onItem: (item: unknown) => void) {}

  write(chunk: Buffer): void {
    this.text += this.decoder.write(chunk);
    this.scan();
    this.compact();
  }

  /** The list without its items (`items: []`); throws if the body was not a list's JSON. */
  end(): Json {
    this.text += this.decoder.end();
    this.scan();
    if (this.restFrom >= 0) this.rest += this.text.slice(this.restFrom);
    const list = JSON.parse(this.rest);
    if (typeof list !== 'object' || list === null || Array.isArray(list)) {
      throw new Error('the API server answered something other than a list');
    }
    return list;
  }

  private scan() {
    const { text } = this;
    let i = this.at;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === backslash) this.escaped = true;
        else if (c === quote) {
          this.inString = false;
          if (this.depth === 1 && this.keyStart >= 0) {
            this.lastKey = text.slice(this.keyStart + 1, i);
            this.keyStart = -1;
          }
        }
        continue;
      }
      if (c === quote) {
        this.inString = true;
        if (this.depth === 1) this.keyStart = i;
      } else if (c === openBrace || c === openBracket) {
        this.depth++;
        if (
          this.depth === 2 &&
          c === openBracket &&
          this.lastKey === 'items' &&
          !this.inItems
        ) {
          // Everything up to and with the `[` stays in `rest`; the items do not.
          this.inItems = true;
          this.rest += `${text.slice(this.restFrom, i + 1)}]`;
          this.restFrom = -1;
        } else if (this.inItems && this.depth === 3) {
          this.itemStart = i;
        }
      } else if (c === closeBrace || c === closeBracket) {
        this.depth--;
        if (this.inItems && this.depth === 2 && this.itemStart >= 0) {
          this.onItem(JSON.parse(text.slice(this.itemStart, i + 1)));
          this.itemStart = -1;
        } else if (this.inItems && this.depth === 1) {
          // The items' `]`: `rest` already closed the array.
          this.inItems = false;
          this.restFrom = i + 1;
        }
      }
    }
    this.at = i;
  }

  /** Drops the text already consumed, keeping an unfinished item, key or `rest`. */
  private compact() {
    let keep = this.at;
    if (this.itemStart >= 0) keep = Math.min(keep, this.itemStart);
    if (this.keyStart >= 0) keep = Math.min(keep, this.keyStart);
    if (this.restFrom >= 0) {
      this.rest += this.text.slice(this.restFrom, keep);
      this.restFrom = keep;
    }
    if (keep === 0) return;
    this.text = this.text.slice(keep);
    this.at -= keep;
    if (this.itemStart >= 0) this.itemStart -= keep;
    if (this.keyStart >= 0) this.keyStart -= keep;
    if (this.restFrom >= 0) this.restFrom -= keep;
  }
}
