import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { FieldError } from '../http/problem.js';

/**
 * Where the server may send a webhook. A key holder chooses the URL, so the URL must not make the
 * server reach what only it can reach: `http(s)` only, no credentials in it, and every address the
 * host names public — loopback, private, link-local (cloud metadata at 169.254.169.254), shared,
 * documentation, multicast and reserved ranges are refused unless the host or address is listed in
 * WEBHOOK_ALLOWED_HOSTS (host names, addresses or CIDR ranges). Checked when a subscription is made
 * and again on every connection (the address a delivery connects to is the one checked: a name that
 * resolves elsewhere later is caught then). A listed host name also allows the addresses it resolved to
 * when first needed (`localhost` listed allows http://127.0.0.1/ too).
 */
export class OutboundPolicy {
  private readonly hosts = new Set<string>();
  private readonly listed = new BlockList();
  private listedNamesResolved?: Promise<void>;

  constructor(allowed: readonly string[]) {
    for (const entry of allowed.map((e) => e.trim().toLowerCase()).filter(Boolean)) {
      const [address, bits] = entry.replace(/^\[|\]$/g, '').split('/');
      const family = isIP(address!);
      if (family && bits !== undefined) this.listed.addSubnet(address!, Number(bits), familyName(family));
      else if (family) this.listed.addAddress(address!, familyName(family));
      else this.hosts.add(entry);
    }
  }

  /** Resolves the listed host names once, adding their addresses to the list (a name that fails adds none). */
  ready(): Promise<void> {
    this.listedNamesResolved ??= Promise.all(
      [...this.hosts].map(async (host) => {
        const found = await lookup(host, { all: true }).catch(() => []);
        for (const { address, family } of found) this.listed.addAddress(address, familyName(family));
      }),
    ).then(() => undefined);
    return this.listedNamesResolved;
  }

  /** The refusal for a URL as given, without resolving it: undefined when its form is acceptable. */
  private formOf(raw: string): { url?: URL; error?: FieldError } {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { error: refusal('url', 'must be an absolute http:// or https:// URL') };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { error: refusal('scheme', `must use http or https, not ${url.protocol.replace(':', '')}`) };
    if (url.username || url.password)
      return { error: refusal('no_credentials', 'must not carry a user name or password') };
    if (url.hash) return { error: refusal('no_fragment', 'must not carry a #fragment') };
    return { url };
  }

  /** Whether a delivery may connect to `address`, reached through `host` (the URL's host name). */
  allows(host: string, address: string): boolean {
    const name = bare(host);
    if (this.hosts.has(name)) return true;
    const family = isIP(address);
    if (!family) return false;
    const v4 = mappedIpv4(address);
    if (v4 ? this.listed.check(v4, 'ipv4') : this.listed.check(address, familyName(family))) return true;
    return v4 ? !NOT_PUBLIC.check(v4, 'ipv4') : !NOT_PUBLIC.check(address, familyName(family));
  }

  /** The whole check of a subscription's URL, resolving its host: undefined when it may be used. */
  async check(raw: string): Promise<FieldError | undefined> {
    const { url, error } = this.formOf(raw);
    if (error) return error;
    await this.ready();
    const host = bare(url!.hostname);
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return refusal('resolvable', `host ${host} does not resolve`);
    }
    const refused = addresses.find((address) => !this.allows(host, address));
    if (refused === undefined) return undefined;
    return refusal(
      'allowed_host',
      `${host}${refused === host ? '' : ` (${refused})`} is not a public address: only public addresses, ` +
        'or hosts listed in WEBHOOK_ALLOWED_HOSTS, may receive webhooks',
    );
  }
}

const familyName = (family: number) => (family === 6 ? 'ipv6' : 'ipv4');

const refusal = (rule: string, message: string): FieldError => ({ field: 'url', rule, message });

const bare = (host: string) => host.toLowerCase().replace(/^\[|\]$/g, '');

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d or ::ffff:xxxx:xxxx). */
function mappedIpv4(address: string): string | undefined {
  const m = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!m) return undefined;
  if (m[1]) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** IANA special-purpose ranges (RFC 6890 and successors) that are not the public internet. */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');
