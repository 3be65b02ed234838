import { describe, expect, it } from 'vitest';
import { checkFetchUrl, classifyHost, parseIPv4, parseIPv6, testAllowList } from '../../worker/src/domain/ssrf';

const refusal = (url: string) => {
  const check = checkFetchUrl(url);
  return check.ok ? 'allowed' : check.refusal;
};

describe('IPv4 spellings', () => {
  it.each([
    ['127.0.0.1', 0x7f000001],
    ['127.1', 0x7f000001],
    ['2130706433', 0x7f000001],
    ['0x7f000001', 0x7f000001],
    ['0x7f.0.0.1', 0x7f000001],
    ['0177.0.0.01', 0x7f000001],
    ['0177.1', 0x7f000001],
    ['10.0.0.1.', 0x0a000001],
    ['169.254.43518', 0xa9fea9fe],
  ])('%s is read as the same address a URL parser would use', (text, value) => {
    expect(parseIPv4(text)).toBe(value);
  });

  it.each(['256.0.0.1', '1.2.3.4.5', '08.1.1.1', 'example.org', '4294967296'])('%s is not an IPv4 address', (text) => {
    expect(parseIPv4(text)).toBeNull();
  });
});

describe('IPv6 spellings', () => {
  it('expands :: and dotted IPv4 tails', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('[::ffff:127.0.0.1]')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIPv6('fd00:ec2::254')).toEqual([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]);
    expect(parseIPv6('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIPv6('1::2::3')).toBeNull();
  });
});

describe('addresses the portal refuses to fetch', () => {
  it.each([
    'http://127.0.0.1/', 'http://127.1/', 'http://2130706433/', 'http://0x7f.0.0.1/', 'http://0177.0.0.1/',
    'http://0.0.0.0/', 'http://10.1.2.3/', 'http://172.16.0.1/', 'http://172.31.255.255/', 'http://192.168.1.10/',
    'http://100.64.0.1/', 'http://100.127.255.254/', 'http://169.254.169.254/latest/meta-data/', 'http://169.254.1.1/',
    'http://224.0.0.1/', 'http://255.255.255.255/', 'http://198.18.0.1/',
    'http://[::1]/', 'http://[::]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[::ffff:10.0.0.1]/',
    'http://[::127.0.0.1]/', 'http://[::ffff:0:a9fe:a9fe]/', 'http://[fd00:ec2::254]/', 'http://[fc00::1]/',
    'http://[fe80::1]/', 'http://[fec0::1]/', 'http://[ff02::1]/', 'http://[64:ff9b::a00:1]/', 'http://[2002:7f00:1::]/',
    'http://[2001:db8::1]/', 'http://[2001::1]/',
  ])('%s is a private address', (url) => {
    expect(refusal(url)).toBe('private_address');
  });

  it.each(['http://localhost/', 'http://LOCALHOST./', 'http://api.localhost/', 'http://nas.local/', 'http://db.internal/',
    'http://intranet/', 'http://box.home.arpa/'])('%s is a local name', (url) => {
    expect(refusal(url)).toBe('local_name');
  });

  it('refuses other schemes, credentials and unusual ports', () => {
    expect(refusal('ftp://example.org/file.csv')).toBe('scheme');
    expect(refusal('file:///etc/passwd')).toBe('scheme');
    expect(refusal('gopher://example.org/')).toBe('scheme');
    expect(refusal('http://user:secret@example.org/')).toBe('credentials');
    expect(refusal('http://example.org:22/')).toBe('port');
    expect(refusal('http://example.org:6379/')).toBe('port');
    expect(refusal('pas une url')).toBe('invalid_url');
  });

  it('allows public hosts on web ports', () => {
    for (const url of ['https://data.example.org/export.csv', 'http://93.184.216.34/a.zip', 'https://[2606:4700::1111]/x',
      'http://example.org:8080/x', 'https://172.32.0.1/', 'https://100.128.0.1/', 'https://[::ffff:8.8.8.8]/']) {
      expect(refusal(url), url).toBe('allowed');
    }
  });

  it('a name ending like a number is refused rather than guessed', () => {
    expect(classifyHost('example.123')).toBe('private_address');
  });

  it('the test allow list admits exactly the listed host and port, nothing by default', () => {
    const allowed = testAllowList('127.0.0.1:8123');
    expect(checkFetchUrl('http://127.0.0.1:8123/a.csv', allowed).ok).toBe(true);
    expect(checkFetchUrl('http://127.0.0.1:8124/a.csv', allowed).ok).toBe(false);
    expect(checkFetchUrl('http://localhost:8123/a.csv', allowed).ok).toBe(false);
    expect(checkFetchUrl('http://127.0.0.1:8123/a.csv').ok).toBe(false);
    expect(testAllowList(undefined).size).toBe(0);
  });
});
