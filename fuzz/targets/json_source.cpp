// An uploaded JSON file that is an array of objects (json_source.cpp): the scanner that finds
// where each top-level element ends (strings, escapes and nesting respected, 16 MiB and the
// JSON depth limit per element), each element parsed on its own, the fields the union of every
// object's keys in first-seen order, values as text (strings) or their JSON; every row through
// both passes of a load (table_source_fuzz.hpp). OpenTable sends a file here when it starts
// with "[" (after spaces and a BOM).
#include "fuzz_target.hpp"
#include "opendata/datastore/source.hpp"
#include "table_source_fuzz.hpp"

GOVHUB_FUZZ_TARGET(json_source) {
    namespace ds = govhub::datastore;
    govhub::fuzz::TempFile file(data, size, ".json");
    std::unique_ptr<ds::TableSource> source;
    try {
        source = ds::OpenJsonArray(file.path());
    } catch (const ds::SourceError&) {
        return;  // not an array of objects, truncated, too deep, an element too big
    }
    govhub::fuzz::LoadWithoutDatabase(*source);
}
