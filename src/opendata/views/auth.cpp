#include "opendata/views/auth.hpp"

namespace govhub::views {

bool CanSeeView(const Principal* p, const DatasetFacts& d, bool resource_private, Held held) {
    return catalog::CanReadResource(p, d, resource_private, held);
}

bool CanCreateView(const Principal* p, Held held) {
    return catalog::CanEditResource(p, held);
}

bool CanEditView(const Principal* p, Held held) {
    return catalog::CanEditResource(p, held);
}

bool CanDeleteView(const Principal* p, Held held) {
    return catalog::CanEditResource(p, held);
}

}  // namespace govhub::views
