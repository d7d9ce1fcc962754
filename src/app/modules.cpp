#include "app/modules.hpp"

namespace govhub::app {

namespace {
class MigrationsModule final : public api::Module {
  public:
    MigrationsModule(std::string name, std::function<void(db::MigrationSet&)> add)
        : name_(std::move(name)), add_(std::move(add)) {}
    std::string name() const override { return name_; }
    void AddMigrations(db::MigrationSet& set) override { add_(set); }

  private:
    std::string name_;
    std::function<void(db::MigrationSet&)> add_;
};

}  // namespace

std::unique_ptr<api::Module> MigrationsOnly(std::string name,
                                            std::function<void(db::MigrationSet&)> add) {
    return std::make_unique<MigrationsModule>(std::move(name), std::move(add));
}

}  // namespace govhub::app
