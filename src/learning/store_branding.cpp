// Learning's SQL for the learner's name choice on certificates (store_branding.hpp).
#include "learning/store_branding.hpp"

#include "db/row_reader.hpp"

namespace govhub::learning::store {

std::string NameOnCertificate(db::Connection& c, const std::string& user_id) {
    auto row =
        c.One("SELECT name_on_certificate FROM learning_profiles WHERE user_id = ?", {user_id});
    if (!row) return "full";
    return db::RowReader(*row).Str();
}

void SetNameOnCertificate(db::Connection& c, const std::string& user_id,
                          const std::string& choice) {
    c.Exec(
        "INSERT INTO learning_profiles (user_id, name_on_certificate) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET name_on_certificate = excluded.name_on_certificate",
        {user_id, choice});
}

}  // namespace govhub::learning::store
