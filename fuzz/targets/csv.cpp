// An uploaded CSV/TSV file, the whole way the loader reads it up to the database insert: the
// encoding decided over the file (BOM, UTF-8, cp874/TIS-620, uchardet) and converted to UTF-8
// as it streams, the dialect sniffed from the first 64 KiB (delimiter, preamble), the records
// parsed, every column's type inferred over every value (Thai digits, Buddhist-era dates), then
// the second pass converting each value (table_source_fuzz.hpp). The sniffer is also driven on
// its own, over the raw bytes, with and without the TSV hint.
#include "core/csv.hpp"
#include "fuzz_target.hpp"
#include "opendata/datastore/source.hpp"
#include "table_source_fuzz.hpp"

GOVHUB_FUZZ_TARGET(csv) {
    namespace ds = govhub::datastore;
    namespace core = govhub::core;
    auto text = govhub::fuzz::AsText(data, size);
    for (char hint : {'\0', '\t'}) {
        core::Dialect d = core::SniffDialect(text.substr(0, 64 << 10), hint);
        if (d.delimiter != ',' && d.delimiter != ';' && d.delimiter != '\t' && d.delimiter != '|')
            __builtin_trap();
        if (d.preamble < 0 || d.preamble >= 20) __builtin_trap();
    }
    // TSV when the publisher says so (format "tsv"/"tab"), sniffed otherwise.
    char hint = size % 5 == 0 ? '\t' : '\0';
    govhub::fuzz::TempFile file(data, size, ".csv");
    std::unique_ptr<ds::TableSource> source;
    try {
        source = ds::OpenDelimited(file.path(), hint);
    } catch (const std::runtime_error&) {
        // SourceError (binary, unreadable) and core::Utf8Reader's "no converter for <guess>": the
        // load's ordinary refusals before the first pass.
        return;
    }
    govhub::fuzz::LoadWithoutDatabase(*source);
}
