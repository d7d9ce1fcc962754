#include "workd/resolver.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <type_traits>

namespace govhub::workd {
namespace {

constexpr int kClassIn = 1;
constexpr int kTypeCname = 5;
// EDNS payload size: 1232 bytes is the size the DNS flag day 2020 settled on (no IP
// fragmentation); a bigger answer comes with TC set and c-ares asks again over TCP.
constexpr int kEdnsPayload = 1232;

int WireType(DnsType type) {
    switch (type) {
        case DnsType::kA:
            return 1;
        case DnsType::kAaaa:
            return 28;
        case DnsType::kCname:
            return kTypeCname;
        case DnsType::kMx:
            return 15;
        case DnsType::kSrv:
            return 33;
        case DnsType::kTxt:
            return 16;
    }
    return 16;
}

// Frees what c-ares allocated (its reply lists and strings) when the scope ends.
struct AresFree {
    void operator()(void* p) const { ares_free_data(p); }
};
struct AresStringFree {
    void operator()(char* p) const { ares_free_string(p); }
};
using AresString = std::unique_ptr<char, AresStringFree>;

// Takes records within the limits: a record that would pass either limit is left out, with the
// ones after it (a half SPF record would read as a different policy).
class Taker {
  public:
    Taker(const ResolverOptions& options, DnsAnswer& answer) : options_(options), answer_(answer) {}
    bool Take(size_t text_bytes) {
        if (answer_.cut || taken_ >= options_.max_records ||
            text_bytes > options_.max_text_bytes - bytes_) {
            answer_.cut = true;
            return false;
        }
        ++taken_;
        bytes_ += text_bytes;
        return true;
    }
    size_t taken() const { return taken_; }

  private:
    const ResolverOptions& options_;
    DnsAnswer& answer_;
    size_t taken_ = 0;
    size_t bytes_ = 0;
};

// c-ares' parse status after the response code said NOERROR.
DnsStatus ParseStatus(int status) {
    switch (status) {
        case ARES_SUCCESS:
            return DnsStatus::kOk;
        case ARES_ENODATA:
            return DnsStatus::kNodata;
        case ARES_EBADRESP:
            return DnsStatus::kMalformed;
        case ARES_ENOMEM:
            throw std::bad_alloc();
        default:
            return DnsStatus::kMalformed;
    }
}

void ReadTxt(const uint8_t* data, int size, Taker& taker, DnsAnswer& answer, int& status) {
    ares_txt_ext* list = nullptr;
    status = ares_parse_txt_reply_ext(data, size, &list);
    std::unique_ptr<ares_txt_ext, AresFree> owned(list);
    if (status != ARES_SUCCESS) return;
    // A record is its first character-string (record_start) and the ones that follow it.
    for (const ares_txt_ext* t = list; t;) {
        std::string joined(reinterpret_cast<const char*>(t->txt), t->length);
        for (t = t->next; t && !t->record_start; t = t->next)
            joined.append(reinterpret_cast<const char*>(t->txt), t->length);
        if (!taker.Take(joined.size())) break;
        answer.texts.push_back(std::move(joined));
    }
}

void ReadMx(const uint8_t* data, int size, Taker& taker, DnsAnswer& answer, int& status) {
    ares_mx_reply* list = nullptr;
    status = ares_parse_mx_reply(data, size, &list);
    std::unique_ptr<ares_mx_reply, AresFree> owned(list);
    if (status != ARES_SUCCESS) return;
    for (const ares_mx_reply* m = list; m; m = m->next) {
        std::string host = m->host ? m->host : "";
        if (!taker.Take(host.size())) break;
        answer.mx.push_back({m->priority, std::move(host)});
    }
}

void ReadSrv(const uint8_t* data, int size, Taker& taker, DnsAnswer& answer, int& status) {
    ares_srv_reply* list = nullptr;
    status = ares_parse_srv_reply(data, size, &list);
    std::unique_ptr<ares_srv_reply, AresFree> owned(list);
    if (status != ARES_SUCCESS) return;
    for (const ares_srv_reply* s = list; s; s = s->next) {
        std::string target = s->host ? s->host : "";
        if (!taker.Take(target.size())) break;
        answer.srv.push_back({s->priority, s->weight, s->port, std::move(target)});
    }
}

template <class Ttl, class Parse>
void ReadAddresses(const uint8_t* data, int size, Taker& taker, DnsAnswer& answer, int& status,
                   size_t max_records, int family, Parse parse) {
    // One more slot than we take, to know whether there were more.
    std::vector<Ttl> ttls(max_records + 1);
    int n = static_cast<int>(ttls.size());
    status = parse(data, size, nullptr, ttls.data(), &n);
    if (status != ARES_SUCCESS) return;
    for (int i = 0; i < n && i < static_cast<int>(ttls.size()); ++i) {
        char text[INET6_ADDRSTRLEN] = {};
        const void* address;
        if constexpr (std::is_same_v<Ttl, ares_addr6ttl>)
            address = &ttls[i].ip6addr;
        else
            address = &ttls[i].ipaddr;
        if (!inet_ntop(family, address, text, sizeof text)) continue;
        std::string s = text;
        if (!taker.Take(s.size())) break;
        answer.texts.push_back(std::move(s));
    }
}

// c-ares 1.18 has no CNAME reply parser (ares_parse_a_reply follows a CNAME but reports no
// data when no address follows it), so this walks the answer section itself, with c-ares'
// name decompression (bounded, loop-safe) for every name.
bool ExpandName(const uint8_t* at, const uint8_t* data, int size, AresString& out, long& used) {
    if (at < data || at >= data + size) return false;
    char* name = nullptr;
    int rc = ares_expand_name(at, data, size, &name, &used);
    out.reset(name);
    if (rc == ARES_ENOMEM) throw std::bad_alloc();
    return rc == ARES_SUCCESS && used > 0;
}

uint16_t Read16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

bool SameName(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        return lower(x) == lower(y);
    });
}

void ReadCname(const uint8_t* data, int size, Taker& taker, DnsAnswer& answer, int& status) {
    status = ARES_EBADRESP;
    const uint16_t questions = Read16(data + 4), answers = Read16(data + 6);
    if (questions != 1) return;
    long pos = 12, used = 0;
    AresString qname, owner, target;
    if (!ExpandName(data + pos, data, size, qname, used)) return;
    pos += used + 4;  // QTYPE, QCLASS
    if (pos > size) return;
    for (uint16_t i = 0; i < answers; ++i) {
        if (!ExpandName(data + pos, data, size, owner, used)) return;
        pos += used;
        if (pos + 10 > size) return;
        const uint16_t type = Read16(data + pos), klass = Read16(data + pos + 2),
                       rdlength = Read16(data + pos + 8);
        pos += 10;
        if (pos + rdlength > size) return;
        if (type == kTypeCname && klass == kClassIn && SameName(owner.get(), qname.get())) {
            long target_used = 0;
            if (!ExpandName(data + pos, data, size, target, target_used) || target_used > rdlength)
                return;
            std::string s = target.get();
            if (taker.Take(s.size())) answer.texts.push_back(std::move(s));
        }
        pos += rdlength;
    }
    status = taker.taken() > 0 || answer.cut ? ARES_SUCCESS : ARES_ENODATA;
}

std::string Describe(DnsType type, std::string_view name, DnsStatus status, std::string_view why) {
    std::string s;
    s.append(kDnsTypeText.Name(type)).append(" ").append(name).append(": ");
    s.append(kDnsStatusText.Name(status));
    if (!why.empty()) s.append(" (").append(why).append(")");
    return s;
}

// A name we are willing to put in a question: letters, digits, '-', '_' and dots, within the
// RFC 1035 lengths. Anything else (spaces, escapes, control bytes) is a caller's bug.
bool AskableName(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    size_t label = 0;
    for (char c : name) {
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
            continue;
        }
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok || ++label > 63) return false;
    }
    return label > 0;
}

void LibraryInit() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
            throw std::runtime_error("c-ares: library init failed");
    });
}

struct Channel {
    ares_channel channel = nullptr;
    ~Channel() {
        if (channel) ares_destroy(channel);
    }
};

// A channel with the options; the c-ares status when it cannot be made.
int MakeChannel(const ResolverOptions& options, Channel& out) {
    LibraryInit();
    ares_options opts{};
    opts.timeout = static_cast<int>(options.timeout.count());
    opts.tries = options.tries;
    // NOCHECKRESP: SERVFAIL and REFUSED replies come to us to be told apart (c-ares 1.18 would
    // drop them and report only "could not contact DNS servers"); the cost is no retry of
    // another configured server on those two, which the checker's schedule makes up for.
    opts.flags = ARES_FLAG_EDNS | ARES_FLAG_NOCHECKRESP;
    opts.ednspsz = kEdnsPayload;
    const int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS | ARES_OPT_EDNSPSZ;
    int rc = ares_init_options(&out.channel, &opts, mask);
    if (rc != ARES_SUCCESS) return rc;
    if (!options.servers.empty())
        rc = ares_set_servers_ports_csv(out.channel, options.servers.c_str());
    return rc;
}

struct Pending {
    bool done = false;
    int status = ARES_ETIMEOUT;
    std::vector<uint8_t> reply;
};

void OnReply(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    auto* p = static_cast<Pending*>(arg);
    p->done = true;
    p->status = status;
    if (status == ARES_SUCCESS && abuf && alen > 0) p->reply.assign(abuf, abuf + alen);
}

// Runs the channel until the query's callback has run; c-ares keeps the timeouts and retries.
// A wall-clock guard well past timeout × 2^tries ends the loop even if c-ares never would.
void RunUntilDone(ares_channel channel, const Pending& pending, const ResolverOptions& options) {
    const auto guard = std::chrono::steady_clock::now() +
                       options.timeout * (int64_t{1} << std::min(options.tries, 8)) * 4 +
                       std::chrono::seconds(2);
    while (!pending.done) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        const int bits = ares_getsock(channel, socks, ARES_GETSOCK_MAXNUM);
        pollfd fds[ARES_GETSOCK_MAXNUM];
        nfds_t n = 0;
        for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
            short events = 0;
            if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
            if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
            if (events) fds[n++] = {socks[i], events, 0};
        }
        timeval tv{};
        const timeval* next = ares_timeout(channel, nullptr, &tv);
        const auto now = std::chrono::steady_clock::now();
        if (now >= guard || (n == 0 && !next)) return;
        int wait_ms =
            next ? static_cast<int>(next->tv_sec * 1000 + (next->tv_usec + 999) / 1000) : 1000;
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(guard - now).count() + 1;
        wait_ms = static_cast<int>(std::min<int64_t>(wait_ms, left));
        const int rc = poll(fds, n, wait_ms);
        if (rc < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (rc == 0) {
            ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
            continue;
        }
        for (nfds_t i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            const bool readable = fds[i].revents & (POLLIN | POLLERR | POLLHUP);
            const bool writable = fds[i].revents & POLLOUT;
            ares_process_fd(channel, readable ? fds[i].fd : ARES_SOCKET_BAD,
                            writable ? fds[i].fd : ARES_SOCKET_BAD);
        }
    }
}

// What a c-ares status other than ARES_SUCCESS says about the question.
DnsStatus FromAresStatus(int status) {
    switch (status) {
        case ARES_ENOTFOUND:
            return DnsStatus::kNxdomain;
        case ARES_ENODATA:
            return DnsStatus::kNodata;
        case ARES_ESERVFAIL:
            return DnsStatus::kServfail;
        case ARES_EREFUSED:
            return DnsStatus::kRefused;
        case ARES_ETIMEOUT:
            return DnsStatus::kTimeout;
        case ARES_EBADRESP:
            return DnsStatus::kMalformed;
        case ARES_ENOMEM:
            throw std::bad_alloc();
        default:
            return DnsStatus::kError;
    }
}

}  // namespace

DnsAnswer ReadDnsAnswer(const uint8_t* data, size_t size, DnsType type,
                        const ResolverOptions& options) {
    DnsAnswer answer;
    // 12 header bytes at least; 65535 is the most TCP can carry.
    if (!data || size < 12 || size > 65535) {
        answer.status = DnsStatus::kMalformed;
        answer.detail = "answer of " + std::to_string(size) + " bytes";
        return answer;
    }
    switch (data[3] & 0x0F) {  // RCODE
        case 0:
            break;
        case 2:
            answer.status = DnsStatus::kServfail;
            return answer;
        case 3:
            answer.status = DnsStatus::kNxdomain;
            return answer;
        case 5:
            answer.status = DnsStatus::kRefused;
            return answer;
        default:
            answer.status = DnsStatus::kError;
            answer.detail = "response code " + std::to_string(data[3] & 0x0F);
            return answer;
    }
    const int n = static_cast<int>(size);
    Taker taker(options, answer);
    int status = ARES_SUCCESS;
    switch (type) {
        case DnsType::kTxt:
            ReadTxt(data, n, taker, answer, status);
            break;
        case DnsType::kMx:
            ReadMx(data, n, taker, answer, status);
            break;
        case DnsType::kSrv:
            ReadSrv(data, n, taker, answer, status);
            break;
        case DnsType::kCname:
            ReadCname(data, n, taker, answer, status);
            break;
        case DnsType::kA:
            ReadAddresses<ares_addrttl>(data, n, taker, answer, status, options.max_records,
                                        AF_INET, ares_parse_a_reply);
            break;
        case DnsType::kAaaa:
            ReadAddresses<ares_addr6ttl>(data, n, taker, answer, status, options.max_records,
                                         AF_INET6, ares_parse_aaaa_reply);
            break;
    }
    answer.status = ParseStatus(status);
    if (answer.status != DnsStatus::kOk) {
        // Records read before the reply broke off are not an answer (found by the fuzz target:
        // a CNAME reply claiming more records than it holds).
        answer.texts.clear();
        answer.mx.clear();
        answer.srv.clear();
        answer.cut = false;
    }
    if (answer.status == DnsStatus::kOk && answer.texts.empty() && answer.mx.empty() &&
        answer.srv.empty() && !answer.cut)
        answer.status = DnsStatus::kNodata;
    if (answer.status == DnsStatus::kMalformed) answer.detail = ares_strerror(status);
    if (answer.cut) answer.detail = "records over the limits left out";
    return answer;
}

Resolver::Resolver(ResolverOptions options) : options_(std::move(options)) {
    if (options_.timeout.count() <= 0 || options_.timeout > std::chrono::minutes(1))
        throw std::invalid_argument("DNS timeout must be between 1 ms and 1 minute");
    if (options_.tries < 1 || options_.tries > 8)
        throw std::invalid_argument("DNS tries must be between 1 and 8");
    if (options_.max_records < 1 || options_.max_text_bytes < 1)
        throw std::invalid_argument("DNS answer limits must be positive");
    Channel channel;
    if (int rc = MakeChannel(options_, channel); rc != ARES_SUCCESS)
        throw std::invalid_argument("DNS servers \"" + options_.servers +
                                    "\": " + ares_strerror(rc));
}

DnsAnswer Resolver::Query(std::string_view name, DnsType type) const {
    auto fail = [&](DnsStatus status, std::string_view why) {
        DnsAnswer a;
        a.status = status;
        a.detail = Describe(type, name, status, why);
        return a;
    };
    if (!AskableName(name)) return fail(DnsStatus::kError, "not a name that can be asked");
    // Declared before the channel: ares_destroy() runs a pending query's callback, which writes
    // here, so this must outlive the channel.
    Pending pending;
    Channel channel;
    if (int rc = MakeChannel(options_, channel); rc != ARES_SUCCESS) {
        if (rc == ARES_ENOMEM) throw std::bad_alloc();
        return fail(DnsStatus::kError, ares_strerror(rc));
    }

    const std::string qname(name);
    unsigned char* query = nullptr;
    int query_len = 0;
    int rc = ares_create_query(qname.c_str(), kClassIn, WireType(type), 0, 1, &query, &query_len,
                               kEdnsPayload);
    std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned_query(
        query, [](unsigned char* p) { ares_free_string(p); });
    if (rc != ARES_SUCCESS) return fail(DnsStatus::kError, ares_strerror(rc));

    ares_send(channel.channel, query, query_len, OnReply, &pending);
    RunUntilDone(channel.channel, pending, options_);
    if (!pending.done) return fail(DnsStatus::kTimeout, "no answer in time");
    if (pending.status != ARES_SUCCESS)
        return fail(FromAresStatus(pending.status), ares_strerror(pending.status));

    DnsAnswer answer = ReadDnsAnswer(pending.reply.data(), pending.reply.size(), type, options_);
    answer.detail = Describe(type, name, answer.status, answer.detail);
    return answer;
}

}  // namespace govhub::workd
