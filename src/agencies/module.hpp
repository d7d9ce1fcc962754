#pragma once
// The agencies module's entry points, plain free functions so the app can wire them either
// directly or through a common module shape.
#include "db/migrations.hpp"

namespace govhub::agencies {

// The module "agencies" in the migration set. Empty for now: the agencies' tables are still the
// catalog's `organizations` and accounts' `memberships`; the in-place migration (parent, kind,
// title_en, the pending state) comes with the store (see README.md).
inline void AddMigrations(db::MigrationSet& /*set*/) {}

}  // namespace govhub::agencies
