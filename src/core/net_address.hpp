#pragma once
// Which budget a client address draws from. An IPv6 user is given a whole /64 by their provider
// (RFC 6177) and can change the last 64 bits at will, so counting per address would give one
// person 2^64 budgets: IPv6 addresses count by their /64 prefix. IPv4, and IPv4 written as
// IPv6 (`::ffff:a.b.c.d`, what a dual-stack socket reports), count per address.
#include <string>
#include <string_view>

namespace govhub::core {

// "2001:db8:1:2:a:b:c:d" → "2001:db8:1:2::/64"; "fe80::1%eth0" → "fe80::/64";
// "::ffff:192.0.2.7" → "192.0.2.7"; "192.0.2.7" → "192.0.2.7"; anything else (a name, a broken
// address, "") is returned as given, so a key is never empty when the address was not.
std::string AddressBucket(std::string_view ip);

}  // namespace govhub::core
