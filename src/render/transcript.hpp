#pragma once
// A transcript: an A4 portrait PDF of a heading, a few lines about whom it is for, a table that
// runs over as many pages as it needs (its header row repeated on each), lines of totals after
// it, and "page n / m" at the foot of each page (issue 17, Learning's transcript). Thai is shaped
// by Pango in Laksaman, the Sarabun design, as the certificates and printed forms are. The
// caller supplies every word (translated, dates formatted): this file only lays them out.
#include <functional>
#include <string>
#include <vector>

namespace govhub::render {

struct TableColumn {
    std::string heading;
    double weight = 1;   // the column's share of the table's width
    bool right = false;  // right-aligned (numbers)
};

struct TranscriptDocument {
    std::string title;                // centred, bold, at the top of the first page
    std::vector<std::string> header;  // lines under the title (name, site, date)
    std::vector<TableColumn> columns;
    std::vector<std::vector<std::string>> rows;  // each as many cells as columns
    std::string empty_text;                      // shown instead of the table when no rows
    std::vector<std::string> totals;             // lines after the table
    // The foot of each page from its number and the count ("n / m" when unset).
    std::function<std::string(int n, int m)> page_label;
};

// The PDF's bytes; throws std::runtime_error when Cairo reports an error.
std::string WriteTranscriptPdf(const TranscriptDocument& doc);

}  // namespace govhub::render
