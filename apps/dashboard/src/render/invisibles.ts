/**
 * Characters that must never reach a page as they are: bidi controls (they
 * reorder what is displayed, e.g. `abc\u202Egnp.exe` shows as "abcexe.png"),
 * NUL and the other C0/C1 controls but tab and newlines.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `\u202E` for U+202E. */
function escapeOf(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Replaces every invisible control in rendered HTML with its visible escape: in
 * text as `<span class=ctl title=...>\u202E</span>` (marked, so it stands out),
 * inside a tag (an attribute value) as the plain escape. Templates hold no such
 * characters, so any one found came from data, already HTML-escaped, which is
 * why the last `<` / `>` before it tells text from tag.
 */
export function showInvisibles(html: string): string {
  INVISIBLE.lastIndex = 0;
  if (!INVISIBLE.test(html)) return html;
  // One linear pass that tracks whether we are inside a tag.
  const out: string[] = [];
  let inTag = false;
  let from = 0;
  const one = new RegExp(INVISIBLE.source);
  for (let i = 0; i < html.length; i++) {
    const c = html.charCodeAt(i);
    if (c === 60 /* < */) inTag = true;
    else if (c === 62 /* > */) inTag = false;
    else if ((c < 32 || (c >= 0x7f && c <= 0x9f) || c === 0x061c || (c >= 0x200e && c <= 0x2069)) && one.test(html[i])) {
      out.push(html.slice(from, i));
      const escaped = escapeOf(html[i]);
      out.push(inTag ? escaped : `<span class=ctl title=${c === 0 ? 'NUL' : 'control'}>${escaped}</span>`);
      from = i + 1;
    }
  }
  out.push(html.slice(from));
  return out.join('');
}
