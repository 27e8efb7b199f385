/**
 * Calls govdx makes to addresses that organizations give it: webhook deliveries, the link checks of
 * distribution addresses, systems' JWKS URLs and providers' APIs (whose origins must also be on the
 * platform admin's list, provider-origins.ts). Such an address could point inside the network govdx runs in (a database's
 * admin page, a cloud metadata service), and govdx would be the one asking. So, unless the platform
 * allows private networks (config `outboundPrivateNetworks`, on in the demo), a call goes only to
 * public unicast addresses: the address is checked when the name is resolved, just before the
 * connection is made, so a name that resolves to a private address (or is made to, later) is refused.
 */
import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, fetch, type RequestInit, type Response } from 'undici';

export type OutboundResponse = Response;

/** The error a refused address gives, as the `cause` of fetch's "fetch failed". */
export class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS';
  constructor(readonly address: string) {
    super(`${address} is not a public internet address; govdx does not call private networks.`);
    this.name = 'PrivateAddressError';
  }
}

/**
 * Whether an IP address is a public unicast address. Everything else is refused: loopback, private
 * (RFC 1918, IPv6 unique local), link-local (cloud metadata services live at 169.254.169.254),
 * carrier-grade NAT, multicast, broadcast, unspecified, reserved and documentation ranges, and IPv6
 * forms that carry an IPv4 address (mapped, 6to4, Teredo, NAT64) unless the IPv4 address is public.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** dns.lookup, refusing a name any of whose addresses is not public. */
function publicLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(new PrivateAddressError(`${hostname} (${refused.address})`), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first)
      return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

const guarded = new Agent({ connect: { lookup: publicLookup } });
const open = new Agent();

/** The refusal of `url` when its host is a literal address that is not public (literals are not looked up). */
export function refusedLiteral(url: URL, allowPrivateNetworks: boolean): PrivateAddressError | null {
  if (allowPrivateNetworks) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) !== 0 && !isPublicAddress(host) ? new PrivateAddressError(host) : null;
}

/**
 * The connect options of an undici Pool or Agent that keeps the guard (the provider client keeps its own
 * pools per origin): names are resolved to public addresses only, unless `allowPrivateNetworks`.
 */
export function guardedConnect(allowPrivateNetworks: boolean): { lookup?: typeof publicLookup } {
  return allowPrivateNetworks ? {} : { lookup: publicLookup };
}

/** Whether `error`, or what caused it, is the guard's refusal. */
export function isPrivateAddressError(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === 'EPRIVATEADDRESS') return true;
  }
  return false;
}

/**
 * fetch, to public addresses only unless `allowPrivateNetworks`. A refused address fails like an
 * unreachable one: a TypeError ("fetch failed") whose `cause` is a PrivateAddressError.
 */
export async function outboundFetch(
  url: string | URL,
  init: Omit<RequestInit, 'dispatcher'>,
  allowPrivateNetworks: boolean,
): Promise<Response> {
  const target = new URL(url);
  // A literal address is connected to without a lookup, so it is checked here.
  const refused = refusedLiteral(target, allowPrivateNetworks);
  if (refused) throw new TypeError('fetch failed', { cause: refused });
  return fetch(target, { ...init, dispatcher: allowPrivateNetworks ? open : guarded });
}
