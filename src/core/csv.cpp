#include "core/csv.hpp"
#include "core/i18n.hpp"

#include <algorithm>
#include <map>

namespace govhub::core {

CsvParser::CsvParser(Dialect dialect, size_t max_record_bytes)
    : d_(dialect), max_record_bytes_(max_record_bytes) {}

void CsvParser::EndField() {
    fields_.push_back(std::move(field_));
    field_.clear();
    field_started_ = false;
}

void CsvParser::EndRecord(const RecordFn& record) {
    EndField();
    // Blank lines are not records.
    bool blank = fields_.size() == 1 && fields_[0].empty();
    if (!blank) {
        ++records_;
        record(fields_);
    }
    fields_.clear();
    record_bytes_ = 0;
}

void CsvParser::Feed(std::string_view text, const RecordFn& record) {
    for (char c : text) {
        if (++record_bytes_ > max_record_bytes_)
            throw std::runtime_error(core::Message(
                "datastore.load.long_record", {{"mib", std::to_string(max_record_bytes_ >> 20)},
                                               {"record", std::to_string(records_ + 1)}}));
        if (in_quotes_) {
            if (quote_seen_) {
                quote_seen_ = false;
                if (c == d_.quote) {  // "" inside quotes is one quote
                    field_ += c;
                    continue;
                }
                in_quotes_ = false;  // the closing quote; c is handled below
            } else if (c == d_.quote) {
                quote_seen_ = true;
                continue;
            } else {
                field_ += c;
                continue;
            }
        }
        if (after_cr_) {
            after_cr_ = false;
            if (c == '\n') continue;
        }
        if (c == d_.delimiter) {
            EndField();
        } else if (c == '\n') {
            EndRecord(record);
        } else if (c == '\r') {
            EndRecord(record);
            after_cr_ = true;
        } else if (c == d_.quote && field_.empty() && !field_started_) {
            in_quotes_ = true;
            field_started_ = true;
        } else {
            field_ += c;
            field_started_ = true;
        }
    }
}

void CsvParser::Finish(const RecordFn& record) {
    if (quote_seen_) {
        quote_seen_ = false;
        in_quotes_ = false;
    }
    if (!field_.empty() || !fields_.empty() || field_started_) EndRecord(record);
}

std::string CsvField(const std::optional<std::string>& v, char sep) {
    if (!v) return "";
    if (v->find_first_of(std::string("\"\r\n") + sep) == std::string::npos) return *v;
    std::string out = "\"";
    for (char ch : *v) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

namespace {

// "-5", "+3", "-1.25": a number a spreadsheet reads as a number, nothing else.
bool PlainNumber(std::string_view v) {
    size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
    bool digits = false, dot = false;
    for (; i < v.size(); ++i) {
        char ch = v[i];
        if (ch >= '0' && ch <= '9') {
            digits = true;
        } else if (ch == '.' && !dot) {
            dot = true;
        } else {
            return false;
        }
    }
    return digits;
}

}  // namespace

std::string SpreadsheetCsvField(std::string_view value, char separator) {
    std::string v(value);
    if (!v.empty() &&
        (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' ||
         v[0] == '\r') &&
        !PlainNumber(v))
        v.insert(v.begin(), '\'');
    return CsvField(v, separator);
}

Dialect SniffDialect(std::string_view sample, char hint) {
    // Only whole lines of the sample count.
    size_t end = sample.find_last_of('\n');
    if (end != std::string_view::npos && end + 1 < sample.size())
        sample = sample.substr(0, end + 1);
    struct Score {
        char delimiter;
        double value;
        int modal;
        std::vector<size_t> counts;
    };
    std::vector<Score> scores;
    for (char delim : {',', ';', '\t', '|'}) {
        Dialect d;
        d.delimiter = delim;
        CsvParser p(d);
        std::vector<size_t> counts;
        try {
            auto take = [&](std::vector<std::string>& f) {
                if (counts.size() < 200) counts.push_back(f.size());
            };
            p.Feed(sample, take);
            p.Finish(take);
        } catch (const std::runtime_error&) {
            continue;
        }
        if (counts.empty()) continue;
        std::map<size_t, int> freq;
        for (size_t c : counts) ++freq[c];
        auto modal = std::max_element(freq.begin(), freq.end(), [](auto& a, auto& b) {
            return a.second != b.second ? a.second < b.second : a.first < b.first;
        });
        // Consistent field counts above one: the share of records with the modal count,
        // weighted a little by how many fields it gives.
        double consistency = static_cast<double>(modal->second) / counts.size();
        double value =
            modal->first > 1 ? consistency * (1.0 + 0.01 * std::min<size_t>(modal->first, 50)) : 0;
        if (hint && delim == hint) value += 0.05;
        scores.push_back({delim, value, static_cast<int>(modal->first), counts});
    }
    Dialect best;
    if (hint) best.delimiter = hint;
    const Score* top = nullptr;
    for (const auto& s : scores)
        if (!top || s.value > top->value) top = &s;
    if (!top || top->value == 0) return best;
    best.delimiter = top->delimiter;
    // Records before the first one with the modal count are a preamble (a report title, a
    // note), as long as they are few and have fewer fields.
    for (size_t i = 0; i < top->counts.size() && i < 20; ++i) {
        if (static_cast<int>(top->counts[i]) >= top->modal) {
            best.preamble = static_cast<int>(i);
            break;
        }
    }
    return best;
}

}  // namespace govhub::core
