#include "opendata/datastore/auth.hpp"

namespace govhub::datastore {

bool CanReadTable(const Principal* p, const DatasetFacts& d, bool resource_private, Held held) {
    return catalog::CanReadResource(p, d, resource_private, held);
}

bool CanWriteTable(const Principal* p, Held held) {
    return catalog::CanEditResource(p, held);
}

}  // namespace govhub::datastore
