// Which addresses the portal may fetch a producer's file from (URL download and sync). Everything that reaches the
// portal's own host, a private network or a cloud metadata service is refused, whatever way the address is
// spelled. Names cannot be resolved before fetch() in a Worker: see docs/decisions.md for what covers DNS answers.

export type FetchRefusal =
  | 'invalid_url'
  | 'scheme'
  | 'credentials'
  | 'port'
  | 'local_name'
  | 'private_address';

export type UrlCheck = { ok: true; url: URL } | { ok: false; refusal: FetchRefusal };

/** Ports a producer's web server plausibly uses; others are how internal admin services get probed. */
const ALLOWED_PORTS = new Set(['', '80', '443', '8080', '8443']);

/** Names that only mean something inside a network (or this machine). */
const LOCAL_SUFFIXES = ['.localhost', '.local', '.localdomain', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];

/**
 * Parses an IPv4 address the way URL parsers and inet_aton accept it: 1 to 4 parts, each decimal, octal (leading 0)
 * or hex (0x), the last part filling the remaining bytes (`127.1`, `2130706433`, `0x7f.0.0.1`, `0177.0.0.01`).
 */
export function parseIPv4(host: string): number | null {
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // a trailing dot is allowed
  if (parts.length === 0 || parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = parseInt(part.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) value = Number(part);
    else return null;
    if (!Number.isFinite(value)) return null;
    values.push(value);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255) || last >= 256 ** (4 - values.length)) return null;
  let address = 0;
  values.forEach((v, i) => (address += v * 256 ** (3 - i)));
  return address + last;
}

const ipv4 = (a: number, b: number, c: number, d: number) => ((a * 256 + b) * 256 + c) * 256 + d;

/** Blocks of IPv4 space a public producer cannot be in: [first address, prefix length]. */
const BLOCKED_V4: ReadonlyArray<[number, number]> = [
  [ipv4(0, 0, 0, 0), 8], // "this" network
  [ipv4(10, 0, 0, 0), 8], // RFC 1918
  [ipv4(100, 64, 0, 0), 10], // carrier-grade NAT
  [ipv4(127, 0, 0, 0), 8], // loopback
  [ipv4(169, 254, 0, 0), 16], // link-local, incl. 169.254.169.254 metadata
  [ipv4(172, 16, 0, 0), 12], // RFC 1918
  [ipv4(192, 0, 0, 0), 24], // IETF protocol assignments
  [ipv4(192, 0, 2, 0), 24], // documentation
  [ipv4(192, 88, 99, 0), 24], // 6to4 relay anycast
  [ipv4(192, 168, 0, 0), 16], // RFC 1918
  [ipv4(198, 18, 0, 0), 15], // benchmarking
  [ipv4(198, 51, 100, 0), 24], // documentation
  [ipv4(203, 0, 113, 0), 24], // documentation
  [ipv4(224, 0, 0, 0), 4], // multicast
  [ipv4(240, 0, 0, 0), 4], // reserved and broadcast
];

export function isBlockedIPv4(address: number): boolean {
  return BLOCKED_V4.some(([first, prefix]) => Math.floor(address / 2 ** (32 - prefix)) === Math.floor(first / 2 ** (32 - prefix)));
}

/** Parses an IPv6 address (with `::` and an optional dotted IPv4 tail) into 8 groups; null if not IPv6. */
export function parseIPv6(host: string): number[] | null {
  let text = host.replace(/^\[|\]$/g, '').toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!/^[0-9a-f:.]+$/.test(text) || !text.includes(':')) return null;
  // A dotted IPv4 tail (::ffff:127.0.0.1) becomes its two hex groups.
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(maybeV4)) return null;
    const v4 = maybeV4.split('.').map(Number);
    if (v4.some((n) => n > 255)) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4[0]! * 256 + v4[1]!).toString(16)}:${(v4[2]! * 256 + v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const explicit = head.length + rest.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const zeros = new Array<number>(8 - explicit).fill(0);
  return [...head.map((g) => parseInt(g, 16)), ...(halves.length === 2 ? zeros : []), ...rest.map((g) => parseInt(g, 16))];
}

const embeddedV4 = (g: number[], at: number) => g[at]! * 65536 + g[at + 1]!;

export function isBlockedIPv6(g: number[]): boolean {
  const [a, b, c, d, e, f] = g as [number, number, number, number, number, number];
  const firstSix = [a, b, c, d, e, f];
  if (g.every((x) => x === 0)) return true; // unspecified ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true; // loopback ::1
  // IPv4-compatible ::a.b.c.d is deprecated and never a real producer; mapped ::ffff:a.b.c.d and translated
  // ::ffff:0:a.b.c.d reach the embedded IPv4 address.
  if (firstSix.slice(0, 5).every((x) => x === 0) && f === 0) return true;
  if (firstSix.slice(0, 5).every((x) => x === 0) && f === 0xffff) return isBlockedIPv4(embeddedV4(g, 6));
  if (firstSix.slice(0, 4).every((x) => x === 0) && e === 0xffff && f === 0) return isBlockedIPv4(embeddedV4(g, 6));
  if (a === 0x64 && b === 0xff9b) return isBlockedIPv4(embeddedV4(g, 6)); // NAT64 64:ff9b::/96 and 64:ff9b:1::/48
  if (a === 0x2002) return isBlockedIPv4(embeddedV4(g, 1)); // 6to4 embeds an IPv4 address
  if (a === 0x2001 && b === 0) return true; // Teredo: the client address is obfuscated, refuse the block
  if (a === 0x2001 && b === 0xdb8) return true; // documentation
  if ((a & 0xfe00) === 0xfc00) return true; // unique local fc00::/7, incl. fd00:ec2::254 (EC2 metadata)
  if ((a & 0xffc0) === 0xfe80) return true; // link-local
  if ((a & 0xffc0) === 0xfec0) return true; // deprecated site-local
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x100 && b === 0 && c === 0 && d === 0) return true; // discard-only 100::/64
  return false;
}

export type HostClass = 'public' | 'local_name' | 'private_address';

/** Classifies a URL host (as `URL.hostname` gives it: IPv6 in brackets). */
export function classifyHost(hostname: string): HostClass {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') || host.includes(':')) {
    const groups = parseIPv6(host);
    return !groups || isBlockedIPv6(groups) ? 'private_address' : 'public';
  }
  const v4 = parseIPv4(host);
  if (v4 !== null) return isBlockedIPv4(v4) ? 'private_address' : 'public';
  // A name that ends like a number is how parsers get confused (e.g. "1.2.3.0x7f"): refuse rather than guess.
  if (/(^|\.)(0x[0-9a-f]*|\d+)$/i.test(host)) return 'private_address';
  if (host === 'localhost' || LOCAL_SUFFIXES.some((s) => host.endsWith(s))) return 'local_name';
  if (!host.includes('.')) return 'local_name'; // single-label names resolve through local search domains
  return 'public';
}

/**
 * Checks a URL before fetching it. `allowedForTests` lists `host:port` pairs a test environment explicitly allows
 * (the test file server); it is empty in production.
 */
export function checkFetchUrl(input: string, allowedForTests: ReadonlySet<string> = new Set()): UrlCheck {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, refusal: 'invalid_url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, refusal: 'scheme' };
  if (url.username || url.password) return { ok: false, refusal: 'credentials' };
  if (allowedForTests.has(url.host)) return { ok: true, url };
  const cls = classifyHost(url.hostname);
  if (cls !== 'public') return { ok: false, refusal: cls };
  if (!ALLOWED_PORTS.has(url.port)) return { ok: false, refusal: 'port' };
  return { ok: true, url };
}

/** Parses the test-only allow list (`127.0.0.1:8123,127.0.0.1:8124`). */
export function testAllowList(setting: string | undefined): Set<string> {
  return new Set((setting ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}
