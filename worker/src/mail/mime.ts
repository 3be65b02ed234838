// A plain-text MIME message (RFC 5322 + 2045/2047) for transports that take raw mail, such as Cloudflare's
// send_email binding. UTF-8 everywhere: headers as encoded words, the body in base64.
import { encodeBase64 } from '@oslojs/encoding';

export interface MimeMail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  messageId: string;
  date: Date;
}

const utf8 = new TextEncoder();

/** Encoded words of at most 64 characters (RFC 2047 allows 75; a header name must fit before the first), split between characters. */
export function encodeHeaderWord(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value) && !value.includes('=?')) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (utf8.encode(chunk + char).byteLength > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${encodeBase64(utf8.encode(w))}?=`).join('\r\n ');
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join('\r\n');
}

export function buildMime(mail: MimeMail): string {
  const body = mail.text.replace(/\r?\n/g, '\r\n');
  const headers = [
    // The address goes on a folded line of its own: an encoded name leaves no room for it within 78 characters.
    `From: ${encodeHeaderWord(mail.from.name)}\r\n <${mail.from.address}>`,
    `To: <${mail.to}>`,
    `Subject: ${encodeHeaderWord(mail.subject)}`,
    `Date: ${mail.date.toUTCString()}`,
    `Message-ID: <${mail.messageId}@${mail.from.address.split('@')[1]}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${wrap(encodeBase64(utf8.encode(body)), 76)}\r\n`;
}
