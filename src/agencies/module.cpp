#include "agencies/module.hpp"

#include "agencies/store.hpp"

namespace govhub::agencies {

namespace {
class Module final : public api::Module {
  public:
    std::string name() const override { return "agencies"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
};
}  // namespace

std::unique_ptr<api::Module> MakeModule() {
    return std::make_unique<Module>();
}

}  // namespace govhub::agencies
