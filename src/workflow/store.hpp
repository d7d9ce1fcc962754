#pragma once
// Every SQL statement of the workflow engine: requests, their attachments, the holiday table.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "workflow/model.hpp"

namespace govhub::workflow::store {

void AddMigrations(db::MigrationSet& set);

void InsertRequest(db::Connection& c, const Request& r, const std::string& search_text);
// Saves the state, data, clock and times; false when the request is not in `expected_state`
// (someone else moved it first).
bool UpdateRequest(db::Connection& c, const Request& r, const std::string& expected_state,
                   const std::string& search_text);
std::optional<Request> FindRequest(db::Connection& c, const std::string& id_or_reference);
std::vector<Request> RequestsOf(db::Connection& c, const std::string& applicant_id,
                                const std::string& type);
// The staff queue: open requests first (the earliest due first, so overdue ones lead), then
// paused ones, then closed ones if asked. `types` limits it to the types the caller reviews.
// `scoped_user` (non-empty) applies that reviewer's agency scopes (workflow_reviewer_agencies).
QueuePage Queue(db::Connection& c, const std::vector<std::string>& types, const QueueFilter& f,
                const std::string& now, const std::string& scoped_user = "");
// Requests whose clock runs (their due time depends on the holiday table).
std::vector<Request> RunningRequests(db::Connection& c);
void SetDue(db::Connection& c, const std::string& request_id, const std::string& due);

// Requests filed as changes to `parent_id`, oldest first.
std::vector<Request> ChildrenOf(db::Connection& c, const std::string& parent_id);
// How many requests of an agency are still open (not closed), leaving `except_id` out.
int64_t OpenRequestsOfAgency(db::Connection& c, const std::string& organization_id,
                             const std::string& except_id);

// The agencies a reviewer of `type` is scoped to (empty: every agency), and replacing them.
std::vector<std::string> ReviewerAgencies(db::Connection& c, const std::string& user_id,
                                          const std::string& type);
void SetReviewerAgencies(db::Connection& c, const std::string& user_id, const std::string& type,
                         const std::vector<std::string>& organization_ids);
// Every scoped reviewer of `type` with their agencies, in one read (a reviewer not in the map
// reviews every agency).
std::map<std::string, std::vector<std::string>> ReviewerScopesOf(db::Connection& c,
                                                                 const std::string& type);
// The agencies a reviewer is scoped to for any type, without repeats.
std::vector<std::string> AgenciesReviewedBy(db::Connection& c, const std::string& user_id);

// Open requests of `type` whose running clock is due by `due_before` and whose reviewers have not
// been reminded of that due time yet (UpdateRequest forgets the reminder when the clock pauses
// or stops, so each running stretch is reminded once).
std::vector<Request> DueForReminder(db::Connection& c, const std::string& type,
                                    const std::string& due_before, int limit);
void MarkReminded(db::Connection& c, const std::string& request_id, const std::string& due);

void InsertAttachment(db::Connection& c, const Attachment& a);
std::vector<Attachment> AttachmentsOf(db::Connection& c, const std::string& request_id);
std::optional<Attachment> FindAttachment(db::Connection& c, const std::string& id);
// Sets when the request's remaining files are purged (empty: kept).
void SetPurgeAfter(db::Connection& c, const std::string& request_id, const std::string& at);
// Brings forward the purge of every file of an applicant's requests to `at` at the latest.
void PurgeApplicantFilesBy(db::Connection& c, const std::string& applicant_id,
                           const std::string& at);
// Files whose purge time has come (not purged yet).
std::vector<Attachment> AttachmentsToPurge(db::Connection& c, const std::string& now, int limit);
void MarkPurged(db::Connection& c, const std::string& attachment_id, const std::string& at);
// Closed requests of a type that still have files (a retention change recomputes them).
std::vector<Request> ClosedRequestsWithFiles(db::Connection& c, const std::string& type);
// Every request an applicant filed, of every type.
std::vector<Request> AllRequestsOf(db::Connection& c, const std::string& applicant_id);
// Rewrites a request's data and subject (a cancelled applicant's personal data is erased).
void RewriteRequest(db::Connection& c, const std::string& request_id, const std::string& subject,
                    const std::string& data_json, const std::string& search_text);

// Requests of one type by id after `after_id` (the vault's sealing pass walks them in pages).
std::vector<Request> RequestsOfType(db::Connection& c, const std::string& type,
                                    const std::string& after_id, int limit);
// Replaces a request's data only if it is still `expected` (a step taken meanwhile wins).
bool ReplaceData(db::Connection& c, const std::string& request_id, const std::string& expected,
                 const std::string& data_json);

std::optional<TypeSettings> FindTypeSettings(db::Connection& c, const std::string& type);
void SaveTypeSettings(db::Connection& c, const std::string& type, const TypeSettings& s);

std::vector<Holiday> Holidays(db::Connection& c, int year = 0);  // 0: every year
void SaveHoliday(db::Connection& c, const Holiday& h);
bool DeleteHoliday(db::Connection& c, const std::string& day);
std::optional<Holiday> FindHoliday(db::Connection& c, const std::string& day);

}  // namespace govhub::workflow::store
