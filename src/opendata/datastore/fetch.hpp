#pragma once
// Downloads a linked resource for loading: http and https only, a size cap, timeouts, and by
// default no private, loopback or link-local addresses (a link must not make the server fetch
// from inside its own network).
#include <cstdint>
#include <string>

namespace govhub::datastore {

struct FetchOptions {
    uint64_t max_bytes = 1ull << 30;
    int timeout_seconds = 300;
    bool allow_private_addresses = false;
};

// Writes the body to `dest`. Throws SourceError with a message for the publisher.
void FetchUrl(const std::string& url, const std::string& dest, const FetchOptions& options);

}  // namespace govhub::datastore
