/**
 * Text that a person or a file wrote (an approver's name, review notes, a column name), set inside a line of a
 * Markdown document: kept on that line (line breaks become spaces, so it starts no heading, list or quote), with
 * each character that would open markup backslash-escaped (CommonMark §2.4): no emphasis, code, link, image,
 * table cell, strikethrough, HTML tag or entity. Characters that mean something only at the start of a line
 * (`#`, `>`, `-`) are left as they are: the text never starts one.
 */
export function markdownInline(text: string): string {
  return text.replace(/\s*[\r\n\v\f\u0085\u2028\u2029]+\s*/gu, ' ').replace(/[\\`*_[\]<&|~]/g, '\\$&');
}
