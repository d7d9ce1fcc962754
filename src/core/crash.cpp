#include "core/crash.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>

#include "core/strings.hpp"

namespace govhub::core {
namespace {

constexpr size_t kContextMax = 640;

// `"doing":"…","id":"…","what":"…"`, already escaped; read by the signal handler.
thread_local char t_context[kContextMax];
thread_local size_t t_context_length = 0;

// Freed when the thread ends; until then the thread's signals may run on it.
struct AltStack {
    void* memory = nullptr;
    ~AltStack() {
        if (!memory) return;
        stack_t off{};
        off.ss_flags = SS_DISABLE;
        sigaltstack(&off, nullptr);
        std::free(memory);
    }
};
thread_local AltStack t_alt_stack;

void EnsureAltStack() {
    if (t_alt_stack.memory) return;
    size_t size = std::max<size_t>(64 * 1024, static_cast<size_t>(sysconf(_SC_SIGSTKSZ)));
    void* memory = std::malloc(size);
    if (!memory) return;
    stack_t ss{};
    ss.ss_sp = memory;
    ss.ss_size = size;
    if (sigaltstack(&ss, nullptr) != 0) {
        std::free(memory);
        return;
    }
    t_alt_stack.memory = memory;
}

const char* SignalName(int sig) {
    switch (sig) {
        case SIGSEGV:
            return "SIGSEGV";
        case SIGBUS:
            return "SIGBUS";
        case SIGFPE:
            return "SIGFPE";
        case SIGILL:
            return "SIGILL";
        case SIGABRT:
            return "SIGABRT";
    }
    return "signal";
}

// Only async-signal-safe calls below: write(2), clock_gettime, raise.
void Append(char* out, size_t& n, size_t cap, const char* s, size_t len) {
    size_t take = std::min(len, cap - n);
    std::memcpy(out + n, s, take);
    n += take;
}
void Append(char* out, size_t& n, size_t cap, const char* s) {
    Append(out, n, cap, s, std::strlen(s));
}
void AppendNumber(char* out, size_t& n, size_t cap, long long v) {
    char digits[24];
    size_t d = 0;
    if (v < 0) v = 0;
    do {
        digits[d++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v && d < sizeof digits);
    while (d) Append(out, n, cap, &digits[--d], 1);
}

void OnFatalSignal(int sig) {
    char line[kContextMax + 256];
    size_t n = 0;
    const size_t cap = sizeof line - 2;
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    Append(line, n, cap, "{\"level\":\"fatal\",\"event\":\"crash\",\"unix_time\":");
    AppendNumber(line, n, cap, now.tv_sec);
    Append(line, n, cap, ",\"signal\":\"");
    Append(line, n, cap, SignalName(sig));
    Append(line, n, cap, "\",\"pid\":");
    AppendNumber(line, n, cap, getpid());
    Append(line, n, cap, ",");
    if (t_context_length)
        Append(line, n, cap, t_context, t_context_length);
    else
        Append(line, n, cap, "\"doing\":\"unknown\"");
    Append(line, n, cap, "}\n");
    ssize_t ignored = write(STDERR_FILENO, line, n);
    (void)ignored;
    // SA_RESETHAND put the default action back: die of the same signal (a core dump where the
    // system keeps them, and a status that tells the supervisor what happened).
    raise(sig);
}

// Each frame keeps a buffer the optimiser cannot drop, so the recursion really uses the stack.
volatile size_t g_recursion_limit = SIZE_MAX;  // never reached: the stack runs out first
size_t Recurse(size_t depth) {
    if (depth >= g_recursion_limit) return 0;
    volatile char frame[1024];
    frame[depth % sizeof frame] = static_cast<char>(depth);
    return Recurse(depth + 1) + frame[(depth * 7) % sizeof frame];
}

}  // namespace

void OverflowStackForTests() {
    Recurse(0);
    std::abort();
}

void InstallCrashHandler() {
    static std::once_flag once;
    std::call_once(once, [] {
        EnsureAltStack();
        struct sigaction sa {};
        sa.sa_handler = OnFatalSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
        for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &sa, nullptr);
    });
}

CrashContext::CrashContext(std::string_view kind, std::string_view id, std::string_view what)
    : saved_length_(t_context_length) {
    EnsureAltStack();
    std::memcpy(saved_, t_context, saved_length_);
    auto field = [](std::string_view v, size_t max) {
        if (v.size() <= max) return JsonEscape(v);
        // Cut on a character boundary, never inside a UTF-8 sequence.
        while (max > 0 && (static_cast<unsigned char>(v[max]) & 0xC0) == 0x80) --max;
        return JsonEscape(v.substr(0, max)) + "…";
    };
    std::string text = "\"doing\":\"" + field(kind, 32) + "\",\"id\":\"" + field(id, 64) +
                       "\",\"what\":\"" + field(what, 300) + "\"";
    // Escaping can grow the text; a cut through an escape would leave broken JSON, so a text
    // that is still too long keeps only its kind and id.
    if (text.size() > kContextMax)
        text = "\"doing\":\"" + field(kind, 32) + "\",\"id\":\"" + field(id, 64) + "\"";
    t_context_length = 0;  // a signal during the copy reports nothing rather than a torn line
    std::memcpy(t_context, text.data(), text.size());
    t_context_length = text.size();
}

CrashContext::~CrashContext() {
    t_context_length = 0;
    std::memcpy(t_context, saved_, saved_length_);
    t_context_length = saved_length_;
}

}  // namespace govhub::core
