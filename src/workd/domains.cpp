#include "workd/domains.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/durable_file.hpp"
#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "core/vault.hpp"
#include "workd/dkim_key.hpp"
#include "workd/store.hpp"
#include "workflow/store.hpp"

namespace govhub::workd {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 24 * kHour;

int64_t EpochOf(const std::string& iso) {
    int64_t us = core::ParseIsoMicros(iso);
    return us < 0 ? 0 : us / 1000000;
}

std::string IsoOf(int64_t epoch_seconds) {
    return core::IsoUtc(epoch_seconds * 1000000);
}

std::string DataString(const nlohmann::json& data, const char* key) {
    auto it = data.find(key);
    return it != data.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

int64_t CheckInterval(int64_t approved, int64_t now) {
    const int64_t age = now - approved;
    if (age < 48 * kHour) return 10 * 60;
    if (age < 14 * kDay) return kHour;
    return kDay;
}

int64_t NextCheck(int64_t approved, int64_t now) {
    return now + CheckInterval(approved, now);
}

bool ReminderDue(int64_t approved, int64_t now, int64_t last_reminded) {
    if (now - approved < 14 * kDay) return false;
    return last_reminded <= 0 || now - last_reminded >= 23 * kHour;
}

std::string DomainSummaryKey(const std::string& outcome, const std::vector<RecordCheck>& checks) {
    if (checks.empty()) return "";
    if (outcome == kDomainNxdomain) return "workd.domain.summary_nxdomain";
    size_t missing = 0, unreachable = 0;
    for (const auto& c : checks) {
        if (c.status == kCheckMissing) ++missing;
        if (c.status == kCheckError) ++unreachable;
    }
    if (unreachable == checks.size()) return "workd.domain.summary_unreachable";
    if (missing == checks.size())
        return outcome == kDomainExists ? "workd.domain.summary_no_records"
                                        : "workd.domain.summary_nothing";
    return "";
}

DomainService::DomainService(db::Database& db, workflow::WorkflowService& workflow,
                             accounts::AccountService& accounts, const core::Vault* vault,
                             accounts::MailSender send_mail, const core::I18n& i18n,
                             WorkdConfig config)
    : db_(db),
      workflow_(workflow),
      accounts_(accounts),
      vault_(vault),
      send_mail_(std::move(send_mail)),
      i18n_(i18n),
      config_(std::move(config)),
      resolver_(config_.resolver) {}

std::string DomainService::Available(const std::string& kind, const std::string& typed,
                                     std::string* name) {
    auto checked = db_.Read([&](db::Connection& c) {
        return CheckRequestedName(kind, typed, config_.zone,
                                  [&c](const std::string& n) { return store::DomainTaken(c, n); });
    });
    if (!checked.ok()) return checked.Key();
    if (name) *name = checked.name;
    return "";
}

Domain DomainService::OnApproved(db::Connection& c, const workflow::Request& r) {
    nlohmann::json data;
    try {
        data = core::ParseJsonBounded(r.data_json);
    } catch (const std::exception&) {
        data = nlohmann::json::object();
    }
    const std::string kind = DataString(data, field::kDomainKind);
    Domain d;
    d.id = core::RandomToken(16);
    d.request_id = r.id;
    d.agency_id =
        r.organization_id.empty() ? DataString(data, field::kAgencyId) : r.organization_id;
    d.kind = kind;
    d.created = core::NowIso();
    // The same rule as the form's and the live check's, against this transaction's view of the
    // names held (the unique index backs it against a race).
    auto checked = CheckRequestedName(
        kind, DataString(data, kind == "own" ? field::kOwnDomain : field::kSubdomain), config_.zone,
        [&c](const std::string& n) { return store::DomainTaken(c, n); });
    if (!checked.ok()) throw HttpError(409, "conflict", checked.Key());
    d.name = checked.name;
    if (kind == "subdomain") {
        d.state = "reserved";
    } else {
        d.state = "awaiting_dns";
        // 160 bits, hex: fits a TXT anywhere and reads back unchanged from any DNS panel.
        d.token = core::HexEncode(core::RandomBytes(20));
        d.next_check = d.created;  // the first check is due at once
    }
    // A DKIM key per domain (a subdomain's is published in the zone fragment).
    auto key = GenerateDkimKey();
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    d.dkim_selector = DkimSelector(core::BuddhistYear(tm.tm_year + 1900));
    d.dkim_public = key.public_key;
    if (!vault_) throw std::runtime_error("workd: no vault to seal the DKIM key");
    d.dkim_private_sealed = vault_->Seal(kDkimPurpose, key.private_pem);
    try {
        store::InsertDomain(c, d);
    } catch (const db::Error& e) {
        if (e.kind() == db::Error::Kind::kUniqueViolation)
            throw HttpError(409, "conflict", "workd.domain.taken");
        throw;
    }
    if (d.kind == "subdomain" && on_verified_) on_verified_(c, d);
    return d;
}

std::vector<workflow::NextStep> DomainService::NextSteps(const workflow::Request& r) {
    if (r.type != kServiceType) return {};
    auto [d, service] = db_.Read([&](db::Connection& c) {
        return std::make_pair(store::DomainOfRequest(c, r.id), store::ServiceOfRequest(c, r.id));
    });
    if (!d || d->state == "released") return {};
    // An approved request still has a step ahead: say which (the agency's DNS records, the
    // hand-over), not only "approved".
    std::string dns = "/workd/requests/" + r.reference + "/dns";
    if (d->state == "awaiting_dns")
        return {{.label_key = "workd.domain.next_waiting_dns", .href = dns}};
    std::vector<workflow::NextStep> out;
    if (service && service->state == "provisioning")
        out.push_back({.label_key = "workd.domain.next_waiting_handover", .href = "/workd"});
    out.push_back({.label_key = "workd.domain.next_step", .href = dns});
    return out;
}

DomainSetup DomainService::Setup(const Domain& d) const {
    return DomainSetup{.domain = d.name,
                       .own_domain = d.kind == "own",
                       .hosts = config_.hosts,
                       .dkim_selector = d.dkim_selector,
                       .dkim_public_key = d.dkim_public,
                       .verification_token = d.token};
}

std::vector<ExpectedRecord> DomainService::Expected(const Domain& d) const {
    return ExpectedRecords(Setup(d));
}

DomainView DomainService::MakeView(workflow::Request r, Domain d) const {
    DomainView v;
    v.expected = Expected(d);
    v.checks = ChecksFromJson(d.checks_json);
    v.required_pass = RequiredPass(v.checks);
    v.summary_key = DomainSummaryKey(d.dns_outcome, v.checks);
    try {
        v.zone_fragment = ZoneFragment(d.name, v.expected);
    } catch (const std::exception&) {
        v.zone_fragment.clear();
    }
    const int64_t last = EpochOf(d.last_checked);
    if (last > 0) v.check_now_after = last + kCheckNowSeconds;
    v.request = std::move(r);
    v.domain = std::move(d);
    return v;
}

DomainView DomainService::View(const accounts::Principal* p, const std::string& reference) {
    if (!p) throw HttpError::Unauthorized();
    if (reference.empty() || reference.size() > 64) throw HttpError::NotFound();
    auto r = workflow_.Find(p, reference);
    if (!r) {
        // The agency's administrators see their agency's requests' domains.
        auto any =
            db_.Read([&](db::Connection& c) { return workflow::store::FindRequest(c, reference); });
        if (any && !any->organization_id.empty() &&
            accounts_.HasCapacity(p, agencies::store::kObjectType, any->organization_id,
                                  accounts::Capacity::kAdmin))
            r = any;
    }
    if (!r || (r->type != kServiceType)) throw HttpError::NotFound();
    auto d = db_.Read([&](db::Connection& c) { return store::DomainOfRequest(c, r->id); });
    if (!d) throw HttpError::NotFound("workd.domain.none");
    return MakeView(std::move(*r), std::move(*d));
}

DomainView DomainService::CheckNow(const accounts::Principal* p, const std::string& reference) {
    DomainView v = View(p, reference);
    if (v.domain.state == "released") throw HttpError(409, "conflict", "workd.domain.released");
    auto service =
        db_.Read([&](db::Connection& c) { return store::ServiceOfRequest(c, v.request.id); });
    if (service && service->state == kServiceSuspended)
        throw HttpError(409, "conflict", "workd.domain.suspended");
    const int64_t now = core::NowEpochSeconds();
    if (v.check_now_after > now) {
        HttpError e(429, "rate_limited", "workd.domain.check_wait");
        e.headers.emplace_back("Retry-After", std::to_string(v.check_now_after - now));
        throw e;
    }
    Domain d = RunCheck(v.domain, now);
    return MakeView(std::move(v.request), std::move(d));
}

Domain DomainService::RunCheck(const Domain& in, int64_t now) {
    // The DNS is asked outside any transaction (it may take seconds).
    DomainCheck check = CheckDomain(resolver_, Setup(in));
    const std::string now_iso = IsoOf(now);
    const std::string json = ChecksToJson(check.records);
    bool verified = false;
    bool remind = false;
    Domain out = db_.Write([&](db::Connection& c) {
        auto d = store::FindDomain(c, in.id);
        if (!d) throw HttpError::NotFound();
        std::string next;
        if (d->state == "awaiting_dns") next = IsoOf(NextCheck(EpochOf(d->created), now));
        store::SetDomainCheck(c, d->id, json, check.outcome, now_iso, next);
        if (d->state == "awaiting_dns" && check.required_pass &&
            store::MarkDomainVerified(c, d->id, now_iso)) {
            verified = true;
            if (on_verified_) {
                Domain v = *d;
                v.state = "verified";
                v.verified = now_iso;
                on_verified_(c, v);
            }
        } else if (d->state == "awaiting_dns" && !check.required_pass &&
                   ReminderDue(EpochOf(d->created), now, EpochOf(d->reminded))) {
            store::SetDomainReminded(c, d->id, now_iso);
            remind = true;
        }
        return *store::FindDomain(c, d->id);
    });
    if (verified) MailAgency(out, "verified");
    if (remind) MailAgency(out, "reminder");
    return out;
}

int DomainService::RunDueChecks(int limit, int64_t now, const std::function<bool()>& stop) {
    const std::string now_iso = IsoOf(now);
    auto due = db_.Read([&](db::Connection& c) { return store::DueDomains(c, now_iso, limit); });
    int ran = 0;
    for (const auto& d : due) {
        if (stop && stop()) break;
        // Taken by this process: the next due time moves on before the DNS is asked, so another
        // process (or a slow check) does not run it twice.
        const std::string hold = IsoOf(now + 300);
        bool mine = db_.Write([&](db::Connection& c) {
            return store::ClaimDomainCheck(c, d.id, d.next_check, hold);
        });
        if (!mine) continue;
        try {
            RunCheck(d, now);
            ++ran;
        } catch (const std::exception& e) {
            core::LogError("workd.domain.check", e.what(), "\"domain\":\"" + d.id + "\"");
        }
    }
    return ran;
}

int64_t DomainService::SecondsToNextRun(int64_t now, int64_t min_seconds, int64_t max_seconds) {
    const std::string earliest =
        db_.Read([](db::Connection& c) { return store::EarliestDomainCheck(c); });
    if (earliest.empty()) return max_seconds;
    return std::clamp(EpochOf(earliest) - now, min_seconds, max_seconds);
}

void DomainService::MailAgency(const Domain& d, const std::string& what) {
    struct To {
        std::string email, locale;
    };
    std::vector<To> to;
    std::string reference;
    db_.Read([&](db::Connection& c) {
        std::set<std::string> seen;
        auto r = workflow::store::FindRequest(c, d.request_id);
        if (r) reference = r->reference;
        if (!d.agency_id.empty())
            for (const auto& u : accounts::store::ActiveHolders(
                     c, agencies::store::kObjectType, d.agency_id, accounts::Capacity::kAdmin)) {
                // ActiveHolders includes sysadmins: only the agency's own administrators.
                if (u.email.empty()) continue;
                auto cap = accounts::store::FindMembership(c, u.id, agencies::store::kObjectType,
                                                           d.agency_id);
                if (!cap || *cap != accounts::Capacity::kAdmin) continue;
                if (seen.insert(core::ToLower(u.email)).second)
                    to.push_back(To{u.email, u.locale == "en" ? "en" : "th"});
            }
        if (r) {
            nlohmann::json data;
            try {
                data = core::ParseJsonBounded(r->data_json);
            } catch (const std::exception&) {
            }
            const std::string contact = data.is_object() ? DataString(data, field::kEmail) : "";
            if (!contact.empty() && seen.insert(core::ToLower(contact)).second)
                to.push_back(To{contact, "th"});
        }
    });
    const std::string link = config_.site_url + "/workd/requests/" + reference + "/dns";
    for (const auto& t : to) {
        std::vector<std::pair<std::string, std::string>> vars = {
            {"domain", d.name}, {"reference", reference}, {"link", link}};
        mail::Message m;
        m.to = t.email;
        const std::string key = "workd.domain.mail." + what;
        m.subject = i18n_.Localize(t.locale, core::Message(key + ".subject", vars));
        m.text = i18n_.Localize(t.locale, core::Message(key + ".body", vars));
        try {
            send_mail_(m);
        } catch (const std::exception& e) {
            core::LogError("workd.domain.mail", e.what(), "\"reference\":\"" + reference + "\"");
        }
    }
}

std::string DomainService::ZoneText() {
    auto live = db_.Read([](db::Connection& c) { return store::LiveSubdomains(c); });
    std::string out = "; govhub workD: the records of the subdomains of " + config_.zone +
                      " (govhub workd zone; " + std::to_string(live.size()) + " domains)\n";
    for (const auto& d : live) {
        try {
            out += ZoneFragment(d.name, Expected(d)) + "\n";
        } catch (const std::exception& e) {
            // A stored name that is not a plain host name never reaches the operator's zone.
            core::LogError("workd.zone", e.what(), "\"domain\":\"" + d.id + "\"");
        }
    }
    return out;
}

int DomainService::WriteZone(const std::string& path) {
    const std::string text = ZoneText();
    int count = 0;
    for (size_t pos = 0; (pos = text.find("; workD records for ", pos)) != std::string::npos; ++pos)
        ++count;
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw std::runtime_error("cannot write " + tmp);
        f << text;
        f.flush();
        if (!f) throw std::runtime_error("cannot write " + tmp);
    }
    if (!core::SyncFile(tmp) || !core::DurableRename(tmp, path)) {
        std::remove(tmp.c_str());
        throw std::runtime_error("cannot replace " + path);
    }
    return count;
}

}  // namespace govhub::workd
