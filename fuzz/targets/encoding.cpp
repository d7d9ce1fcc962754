// The encoding of an uploaded text file and its conversion to UTF-8 (encoding.hpp): the
// decision over the whole input (BOM, strict UTF-8, cp874/TIS-620, uchardet's guess), the
// in-memory conversion (core::ToUtf8) and the streaming one (core::Utf8Reader, over a file, in
// pieces as small as 1 byte so characters split across reads).
//
// Invariants: the output is valid UTF-8 whatever the input; the streaming conversion gives the
// same text whatever the piece size, and the same as core::ToUtf8.
#include "core/strings.hpp"
#include "core/text_encoding.hpp"
#include "fuzz_target.hpp"
#include "table_source_fuzz.hpp"

GOVHUB_FUZZ_TARGET(encoding) {
    namespace ds = govhub::core;
    auto bytes = govhub::fuzz::AsText(data, size);
    ds::Encoding enc;
    try {
        enc = ds::DetectEncodingOf(bytes);
    } catch (const std::runtime_error&) {  // binary (NUL bytes without a BOM)
        return;
    }
    if (enc.name.empty() || enc.bom > 3 || enc.bom > size) __builtin_trap();
    std::string whole;
    try {
        whole = ds::ToUtf8(bytes, enc);
    } catch (const std::runtime_error&) {  // no converter for uchardet's guess
        return;
    }
    if (!govhub::core::IsValidUtf8(whole)) __builtin_trap();

    govhub::fuzz::TempFile file(data, size, ".txt");
    ds::Encoding from_file = ds::DetectEncoding(file.path());
    if (from_file.name != enc.name || from_file.bom != enc.bom) __builtin_trap();
    // A piece size from the input's length: 1 byte, a few bytes, or the reader's default.
    size_t piece = size % 3 == 0 ? 1 : size % 3 == 1 ? 7 : size_t{1} << 16;
    std::string streamed;
    ds::Utf8Reader reader(file.path(), enc);
    while (reader.Read(streamed, piece)) {
        if (streamed.size() > size * 4 + 16) __builtin_trap();
    }
    if (reader.bytes_read() != size) __builtin_trap();
    if (streamed != whole) __builtin_trap();
}
