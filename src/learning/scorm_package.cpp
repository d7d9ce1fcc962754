#include "learning/scorm_package.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <expat.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include "core/i18n.hpp"
#include "core/strings.hpp"

namespace govhub::learning {

namespace {

std::string Clip(std::string_view s, size_t n = 200) {
    if (s.size() <= n) return std::string(s);
    // Not in the middle of a UTF-8 sequence.
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return std::string(s.substr(0, n));
}

[[noreturn]] void Fail(std::string_view reason, std::string detail, std::string_view name = {}) {
    throw ScormPackageError("learning.scorm." + std::string(reason), std::move(detail), Clip(name));
}

}  // namespace

ScormPackageError::ScormPackageError(std::string key_, std::string detail_, std::string name_)
    : std::runtime_error(key_ + ": " + detail_),
      key(std::move(key_)),
      detail(std::move(detail_)),
      name(std::move(name_)) {}

std::string ScormPackageError::UserMessage() const {
    return core::Message(key, {{"name", name}});
}

std::vector<const ScormItem*> ScormManifest::Launchable() const {
    std::vector<const ScormItem*> out;
    auto walk = [&](auto& self, const std::vector<ScormItem>& items) -> void {
        for (const auto& item : items) {
            if (!item.href.empty()) out.push_back(&item);
            self(self, item.children);
        }
    };
    walk(walk, items);
    return out;
}

// ------------------------------------------------------------------------------ paths

namespace {

enum class PathProblem { kNone, kExternal, kUnsafe };

// A path relative to the package root that stays inside it: not absolute, no scheme
// ("http:", "javascript:", "C:"), no ".." segment, no backslash (Windows reads it as a
// separator), no NUL; the same again after percent-decoding ("%2e%2e/" is "../" to a server).
PathProblem CheckRelativePath(std::string_view path) {
    auto plain = [](std::string_view p) {
        if (p.empty()) return PathProblem::kNone;
        if (p.front() == '/') return PathProblem::kUnsafe;
        if (p.find('\\') != std::string_view::npos || p.find('\0') != std::string_view::npos)
            return PathProblem::kUnsafe;
        size_t colon = p.find(':');
        if (colon != std::string_view::npos && colon < p.find('/')) return PathProblem::kExternal;
        size_t start = 0;
        while (start <= p.size()) {
            size_t slash = p.find('/', start);
            if (slash == std::string_view::npos) slash = p.size();
            if (p.substr(start, slash - start) == "..") return PathProblem::kUnsafe;
            start = slash + 1;
        }
        return PathProblem::kNone;
    };
    if (auto why = plain(path); why != PathProblem::kNone) return why;
    std::string decoded;
    if (!core::UrlDecode(path, decoded, false)) return PathProblem::kUnsafe;
    return plain(decoded);
}

// The path part of an href: what comes before its query or fragment.
std::string_view HrefPath(std::string_view href) {
    return href.substr(0, href.find_first_of("?#"));
}

void CheckHref(std::string_view href, std::string_view what) {
    switch (CheckRelativePath(HrefPath(href))) {
        case PathProblem::kNone:
            return;
        case PathProblem::kExternal:
            Fail("external_href", std::string(what) + " is not a file of the package", href);
        case PathProblem::kUnsafe:
            Fail("unsafe_href", std::string(what) + " points outside the package", href);
    }
}

// SCORM CAM's rule for an item's `parameters`: a fragment is appended unless the href has one;
// otherwise the leading '?' or '&' goes and the rest joins the href's query.
std::string WithParameters(std::string href, std::string_view params) {
    if (params.empty()) return href;
    if (params.front() == '#') {
        if (href.find('#') == std::string::npos) href += params;
        return href;
    }
    while (!params.empty() && (params.front() == '?' || params.front() == '&'))
        params.remove_prefix(1);
    if (params.empty()) return href;
    size_t hash = href.find('#');
    std::string fragment = hash == std::string::npos ? "" : href.substr(hash);
    href = href.substr(0, hash);
    href += href.find('?') == std::string::npos ? '?' : '&';
    href += params;
    return href + fragment;
}

// ------------------------------------------------------------------------------ manifest

constexpr size_t kMaxText = 4096, kMaxTitle = 1000;

std::string_view LocalName(std::string_view n) {
    size_t bar = n.rfind('|');  // expat's namespace separator (XML_ParserCreateNS below)
    return bar == std::string_view::npos ? n : n.substr(bar + 1);
}

std::string_view NamespaceOf(std::string_view n) {
    size_t bar = n.rfind('|');
    return bar == std::string_view::npos ? std::string_view{} : n.substr(0, bar);
}

struct RawResource {
    std::string href;  // with every xml:base in front, already checked
    bool has_href = false;
    bool is_sco = false;
};

struct RawOrganization {
    std::string identifier, title;
    std::vector<ScormItem> items;
};

// While an item is open: the item, and the parts of its imsss:sequencing we read.
struct OpenItem {
    size_t depth = 0;  // of its <item> element
    ScormItem item;
    std::string parameters;
    std::string mastery, threshold_text, min_measure;
    std::optional<std::string> threshold_attr;  // minProgressMeasure when completedByMeasure
    bool by_measure = false;                    // primaryObjective satisfiedByMeasure="true"
    bool has_min_measure = false;
};

struct Scan {
    XML_Parser parser = nullptr;
    // The first problem found; expat cannot carry an exception through its C frames.
    std::optional<ScormPackageError> error;

    std::vector<std::string> path;  // local names of the open elements
    int skip_depth = 0;        // > 0 inside a subtree that is not read (metadata, sub-manifest)
    int sequencing_depth = 0;  // > 0 inside imsss:sequencing
    bool saw_12_ns = false, saw_2004_ns = false;

    std::string manifest_identifier, schema_version, default_org;
    std::vector<std::string> bases;  // xml:base folders of manifest, resources, resource
    std::vector<RawOrganization> organizations;
    std::vector<OpenItem> open_items;
    std::map<std::string, RawResource, std::less<>> resources;
    std::set<std::string, std::less<>> identifiers;
    size_t nodes = 0;
    bool declares_sequencing = false;

    // Where character data goes, and how much of it is kept.
    std::string* text = nullptr;
    size_t text_cap = 0;

    void Stop(std::string_view reason, std::string detail, std::string_view name = {}) {
        if (!error)
            error.emplace("learning.scorm." + std::string(reason), std::move(detail), Clip(name));
        XML_StopParser(parser, XML_FALSE);
    }
};

// An xml:base: a folder of the package ("scos/one/"); "scos/one" is read the same way.
// Problems stop the parse (an exception cannot cross expat's C frames).
std::string BaseFolder(Scan& s, const char* base) {
    if (!base) return "";
    std::string b = core::Trim(base);
    if (b.find_first_of("?#") != std::string::npos) {
        s.Stop("unsafe_href", "xml:base with a query or fragment", b);
        return "";
    }
    switch (CheckRelativePath(b)) {
        case PathProblem::kNone:
            break;
        case PathProblem::kExternal:
            s.Stop("external_href", "xml:base is not a folder of the package", b);
            return "";
        case PathProblem::kUnsafe:
            s.Stop("unsafe_href", "xml:base points outside the package", b);
            return "";
    }
    if (!b.empty() && b.back() != '/') b += '/';
    if (b == "./") b.clear();
    return b;
}

// Attributes by local name (expat gives name, value pairs; prefixed ones as "uri|local").
struct Attrs {
    const XML_Char** a;
    const char* Get(std::string_view local) const {
        for (const XML_Char** p = a; *p; p += 2)
            if (LocalName(p[0]) == local) return p[1];
        return nullptr;
    }
    // scormtype (1.2) and scormType (2004) both occur in either edition's packages.
    const char* GetIgnoringCase(std::string_view local) const {
        for (const XML_Char** p = a; *p; p += 2)
            if (core::IEquals(LocalName(p[0]), local)) return p[1];
        return nullptr;
    }
    const char* XmlBase() const {
        for (const XML_Char** p = a; *p; p += 2)
            if (std::string_view(p[0]) == "http://www.w3.org/XML/1998/namespace|base") return p[1];
        return nullptr;
    }
};

void NoteNamespace(Scan& s, std::string_view ns) {
    if (ns.empty()) return;
    if (ns.find("imscp_rootv1p1p2") != std::string_view::npos ||
        ns.find("adlcp_rootv1p2") != std::string_view::npos)
        s.saw_12_ns = true;
    if (ns.find("imscp_v1p1") != std::string_view::npos ||
        ns.find("adlcp_v1p3") != std::string_view::npos ||
        ns.find("imsss") != std::string_view::npos || ns.find("adlseq") != std::string_view::npos ||
        ns.find("adlnav") != std::string_view::npos)
        s.saw_2004_ns = true;
}

bool Parent(const Scan& s, std::string_view name) {
    return s.path.size() >= 2 && s.path[s.path.size() - 2] == name;
}

void Collect(Scan& s, std::string* into, size_t cap) {
    s.text = into;
    s.text_cap = cap;
}

void NewIdentifier(Scan& s, const char* id, std::string_view what) {
    std::string v = id ? core::Trim(id) : "";
    if (v.empty()) return s.Stop("missing_identifier", std::string(what) + " without identifier");
    if (!s.identifiers.insert(v).second)
        return s.Stop("duplicate_identifier", "identifier used twice", v);
}

// What a sequencing element may hold without being a rule this LMS would have to run: the
// primary objective's passing score, and delivery controls that leave status to the content
// (authoring tools write those on every item).
bool HarmlessSequencing(const Scan& s, std::string_view n, Attrs attrs) {
    if (n == "objectives" && Parent(s, "sequencing")) return true;
    if (n == "primaryObjective" && Parent(s, "objectives")) return true;
    if (n == "minNormalizedMeasure" && Parent(s, "primaryObjective")) return true;
    if (n == "deliveryControls" && Parent(s, "sequencing")) {
        for (const char* a : {"tracked", "completionSetByContent", "objectiveSetByContent"})
            if (const char* v = attrs.Get(a); v && core::Trim(v) == "false") return false;
        return true;
    }
    return false;
}

void XMLCALL Start(void* user, const XML_Char* raw, const XML_Char** attrs_raw) {
    auto* s = static_cast<Scan*>(user);
    if (s->error) return;
    s->text = nullptr;
    std::string_view full(raw);
    NoteNamespace(*s, NamespaceOf(full));
    Attrs attrs{attrs_raw};
    for (const XML_Char** p = attrs_raw; *p; p += 2) NoteNamespace(*s, NamespaceOf(p[0]));
    std::string_view n = LocalName(full);
    s->path.emplace_back(n);
    if (static_cast<int>(s->path.size()) > kMaxManifestDepth)
        return s->Stop("too_deep",
                       "elements nested deeper than " + std::to_string(kMaxManifestDepth));
    if (s->skip_depth > 0) {
        ++s->skip_depth;
        return;
    }
    const size_t depth = s->path.size();
    if (depth == 1) {
        if (n != "manifest") return s->Stop("not_manifest", "the root element is not <manifest>");
        if (const char* id = attrs.Get("identifier")) s->manifest_identifier = core::Trim(id);
        s->bases.push_back(BaseFolder(*s, attrs.XmlBase()));
        return;
    }
    if (s->sequencing_depth > 0) {
        ++s->sequencing_depth;
        if (!HarmlessSequencing(*s, n, attrs)) s->declares_sequencing = true;
        if (s->open_items.empty()) return;
        OpenItem& open = s->open_items.back();
        if (n == "primaryObjective") {
            const char* by = attrs.Get("satisfiedByMeasure");
            open.by_measure = by && core::Trim(by) == "true";
        } else if (n == "minNormalizedMeasure" && Parent(*s, "primaryObjective")) {
            open.has_min_measure = true;
            Collect(*s, &open.min_measure, 64);
        }
        return;
    }
    const std::string& parent = s->path[depth - 2];
    if (n == "sequencing") {
        s->sequencing_depth = 1;
        if (attrs.Get("IDRef")) s->declares_sequencing = true;
        return;
    }
    if (n == "sequencingCollection") {
        s->declares_sequencing = true;
        s->skip_depth = 1;
        return;
    }
    if (n == "metadata") {
        // Only the manifest's own schemaversion matters; LOM inside is not read.
        if (depth != 2) s->skip_depth = 1;
        return;
    }
    if (parent == "metadata") {
        if (n == "schemaversion")
            Collect(*s, &s->schema_version, 64);
        else
            s->skip_depth = 1;
        return;
    }
    if (n == "manifest") {
        // A sub-manifest (aggregation): its resources are not offered.
        s->skip_depth = 1;
        return;
    }
    if (n == "organizations" && depth == 2) {
        if (const char* d = attrs.Get("default")) s->default_org = core::Trim(d);
        return;
    }
    if (n == "organization" && parent == "organizations") {
        NewIdentifier(*s, attrs.Get("identifier"), "<organization>");
        s->organizations.push_back(
            {attrs.Get("identifier") ? core::Trim(attrs.Get("identifier")) : "", "", {}});
        return;
    }
    // The item whose child this element is, if any.
    OpenItem* parent_item =
        parent == "item" && !s->open_items.empty() && s->open_items.back().depth == depth - 1
            ? &s->open_items.back()
            : nullptr;
    if (n == "item" && (parent_item || (parent == "organization" && s->open_items.empty() &&
                                        !s->organizations.empty()))) {
        if (++s->nodes > kMaxManifestNodes)
            return s->Stop("too_many_elements",
                           "more than " + std::to_string(kMaxManifestNodes) + " items/resources");
        NewIdentifier(*s, attrs.Get("identifier"), "<item>");
        OpenItem open;
        open.depth = depth;
        open.item.identifier = attrs.Get("identifier") ? core::Trim(attrs.Get("identifier")) : "";
        if (const char* ref = attrs.Get("identifierref")) open.item.resource_id = core::Trim(ref);
        if (const char* p = attrs.Get("parameters")) open.parameters = core::Trim(p);
        s->open_items.push_back(std::move(open));
        return;
    }
    if (n == "title" && parent == "organization" && !s->organizations.empty() &&
        s->open_items.empty()) {
        Collect(*s, &s->organizations.back().title, kMaxTitle);
        return;
    }
    if (parent_item) {
        OpenItem& open = *parent_item;
        if (n == "title") {
            Collect(*s, &open.item.title, kMaxTitle);
        } else if (n == "masteryscore") {
            Collect(*s, &open.mastery, 64);
        } else if (core::IEquals(n, "datafromlms")) {
            Collect(*s, &open.item.data_from_lms, kMaxText);
        } else if (n == "completionThreshold") {
            // 3rd edition: the value as text; 4th: attributes, used when completedByMeasure.
            Collect(*s, &open.threshold_text, 64);
            const char* by = attrs.Get("completedByMeasure");
            if (by && core::Trim(by) == "true") {
                const char* m = attrs.Get("minProgressMeasure");
                open.threshold_attr = m ? m : "1.0";  // the schema's default
            }
        }
        return;
    }
    if (n == "resources" && depth == 2) {
        s->bases.push_back(s->bases.back() + BaseFolder(*s, attrs.XmlBase()));
        return;
    }
    if (n == "resource" && parent == "resources" && depth == 3) {
        if (++s->nodes > kMaxManifestNodes)
            return s->Stop("too_many_elements",
                           "more than " + std::to_string(kMaxManifestNodes) + " items/resources");
        NewIdentifier(*s, attrs.Get("identifier"), "<resource>");
        if (s->error) return;
        RawResource r;
        std::string base = s->bases.back() + BaseFolder(*s, attrs.XmlBase());
        if (s->error) return;
        if (const char* href = attrs.Get("href"); href && !core::Trim(href).empty()) {
            r.has_href = true;
            r.href = base + core::Trim(href);
        }
        const char* type = attrs.GetIgnoringCase("scormtype");
        r.is_sco = type && core::IEquals(core::Trim(type), "sco");
        s->resources.emplace(core::Trim(attrs.Get("identifier")), std::move(r));
        return;
    }
}

std::optional<double> Number(const std::string& text) {
    std::string t = core::Trim(text);
    if (t.empty() || t.size() > 32) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || errno != 0 || !std::isfinite(v)) return std::nullopt;
    return v;
}

// The values the runtime is fed, checked against their ranges.
void FinishItem(Scan& s, OpenItem& open) {
    ScormItem& item = open.item;
    auto score = [&](const std::string& text, double lo, double hi, const char* what) {
        auto v = Number(text);
        if (!v || *v < lo || *v > hi) {
            s.Stop("bad_score",
                   std::string(what) + " of item " + Clip(item.identifier, 100) + " out of range",
                   text);
            return std::optional<double>{};
        }
        return v;
    };
    if (!core::Trim(open.mastery).empty())
        item.mastery_score = score(open.mastery, 0, 100, "adlcp:masteryscore");
    if (open.by_measure)
        item.scaled_passing_score = open.has_min_measure
                                        ? score(open.min_measure, -1, 1, "minNormalizedMeasure")
                                        : 1.0;  // IMS SS default
    if (open.threshold_attr)
        item.completion_threshold = score(*open.threshold_attr, 0, 1, "minProgressMeasure");
    else if (!core::Trim(open.threshold_text).empty())
        item.completion_threshold = score(open.threshold_text, 0, 1, "completionThreshold");
    item.title = core::Trim(item.title);
    if (item.title.empty()) item.title = item.identifier;
    item.data_from_lms = core::Trim(item.data_from_lms);
    // Until the resources are read, href holds the item's parameters (ResolveItems).
    item.href = std::move(open.parameters);
}

void XMLCALL End(void* user, const XML_Char* raw) {
    auto* s = static_cast<Scan*>(user);
    s->text = nullptr;
    if (s->error) return;
    std::string_view n = LocalName(raw);
    if (s->skip_depth > 0) {
        --s->skip_depth;
    } else if (s->sequencing_depth > 0) {
        --s->sequencing_depth;
    } else if (n == "item" && !s->open_items.empty() &&
               s->open_items.back().depth == s->path.size()) {
        OpenItem open = std::move(s->open_items.back());
        s->open_items.pop_back();
        FinishItem(*s, open);
        if (!s->open_items.empty())
            s->open_items.back().item.children.push_back(std::move(open.item));
        else
            s->organizations.back().items.push_back(std::move(open.item));
    } else if ((n == "resources" && s->path.size() == 2) ||
               (n == "manifest" && s->path.size() == 1)) {
        s->bases.pop_back();
    }
    s->path.pop_back();
}

void XMLCALL Text(void* user, const XML_Char* text, int len) {
    auto* s = static_cast<Scan*>(user);
    if (!s->text || s->text->size() >= s->text_cap) return;
    s->text->append(text, std::min(static_cast<size_t>(len), s->text_cap - s->text->size()));
}

void XMLCALL NoDoctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<Scan*>(user)->Stop("doctype", "a manifest has no document type declaration");
}

ScormVersion DecideVersion(const Scan& s) {
    std::string v = core::Trim(s.schema_version);
    if (v == "1.2") return ScormVersion::k12;
    if (v == "CAM 1.3" || core::StartsWith(v, "2004")) return ScormVersion::k2004;
    if (!v.empty()) Fail("unknown_version", "schemaversion is not 1.2 or 2004", v);
    if (s.saw_2004_ns && !s.saw_12_ns) return ScormVersion::k2004;
    if (s.saw_12_ns && !s.saw_2004_ns) return ScormVersion::k12;
    Fail("unknown_version", "no schemaversion and no SCORM namespace to tell the edition");
}

// Fills href and is_sco from the resources; identifierref and parameters were kept in
// resource_id and href.
void ResolveItems(std::vector<ScormItem>& items, const Scan& s) {
    for (auto& item : items) {
        std::string params = std::move(item.href);
        item.href.clear();
        if (!item.resource_id.empty()) {
            auto r = s.resources.find(item.resource_id);
            if (r == s.resources.end())
                Fail("unresolved_reference",
                     "item " + Clip(item.identifier, 100) + " refers to no resource",
                     item.resource_id);
            if (!r->second.has_href || HrefPath(r->second.href).empty())
                Fail("launch_without_href",
                     "resource " + Clip(item.resource_id, 100) + " has no href", item.resource_id);
            CheckHref(r->second.href, "the launch page of " + Clip(item.resource_id, 100));
            item.href = WithParameters(r->second.href, params);
            item.is_sco = r->second.is_sco;
        }
        ResolveItems(item.children, s);
    }
}

}  // namespace

ScormManifest ParseManifest(std::string_view xml) {
    if (xml.size() > kMaxManifestBytes)
        Fail("manifest_too_large",
             "imsmanifest.xml larger than " + std::to_string(kMaxManifestBytes >> 20) + " MiB");
    Scan s;
    XML_Parser p = XML_ParserCreateNS(nullptr, '|');
    if (!p) throw std::bad_alloc();
    s.parser = p;
    XML_SetUserData(p, &s);
    XML_SetElementHandler(p, Start, End);
    XML_SetCharacterDataHandler(p, Text);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    // A document type brings entities, which is how a small manifest grows huge.
    XML_SetStartDoctypeDeclHandler(p, NoDoctype);
    XML_Status status = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), XML_TRUE);
    std::string why = status == XML_STATUS_OK ? "" : XML_ErrorString(XML_GetErrorCode(p));
    auto line = XML_GetCurrentLineNumber(p);
    XML_ParserFree(p);
    if (s.error) throw *s.error;
    if (status != XML_STATUS_OK)
        Fail("not_xml",
             "imsmanifest.xml is not well-formed XML: " + why + " at line " + std::to_string(line));

    ScormManifest m;
    m.version = DecideVersion(s);
    m.identifier = s.manifest_identifier;
    m.declares_sequencing = s.declares_sequencing;

    // Every organization's references must hold, not only the one shown.
    for (auto& org : s.organizations) ResolveItems(org.items, s);

    RawOrganization* chosen = nullptr;
    for (auto& org : s.organizations)
        if (!s.default_org.empty() && org.identifier == s.default_org && !org.items.empty())
            chosen = &org;
    if (!chosen) {
        for (auto& org : s.organizations)
            if (!org.items.empty()) {
                chosen = &org;
                break;
            }
        if (!chosen) Fail("no_organization", "no <organization> with an <item>");
        m.warnings.push_back("learning.scorm.default_organization_missing");
    }
    m.title = core::Trim(chosen->title);
    if (m.title.empty()) m.title = chosen->identifier;
    m.items = std::move(chosen->items);
    if (m.Launchable().empty())
        Fail("no_launchable_item", "no item of the organization refers to a resource with an href");
    if (m.declares_sequencing) m.warnings.push_back("learning.scorm.sequencing_ignored");
    return m;
}

// ------------------------------------------------------------------------------ zip

namespace {

constexpr uint64_t kRatioFloor = 1ull << 20;  // ratios are only judged past 1 MiB written
constexpr size_t kMaxNameBytes = 1024, kMaxComponentBytes = 255, kMaxComponents = 64;
constexpr char kManifestName[] = "imsmanifest.xml";

// Closes a descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    explicit Fd(int f = -1) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            if (fd >= 0) ::close(fd);
            fd = std::exchange(o.fd, -1);
        }
        return *this;
    }
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

[[noreturn]] void StorageFailure(const std::string& what) {
    Fail("storage_error", what + ": " + std::strerror(errno));
}

// The entry's name as components, or a refusal: checked before anything is written.
std::vector<std::string> EntryComponents(std::string_view name) {
    if (name.empty()) Fail("bad_entry_name", "an entry without a name");
    if (name.size() > kMaxNameBytes) Fail("bad_entry_name", "entry name too long", name);
    if (!core::IsValidUtf8(name))
        Fail("bad_entry_name", "entry name is not UTF-8 (zip it with UTF-8 names)", name);
    if (name.front() == '/' || name.find('\\') != std::string_view::npos ||
        name.find('\0') != std::string_view::npos)
        Fail("unsafe_entry_name", "absolute entry name or one with a backslash", name);
    if (name.size() >= 2 && name[1] == ':' &&
        ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')))
        Fail("unsafe_entry_name", "entry name with a drive letter", name);
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7f) Fail("bad_entry_name", "control character in entry name", name);
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= name.size()) {
        size_t slash = name.find('/', start);
        if (slash == std::string_view::npos) slash = name.size();
        std::string_view part = name.substr(start, slash - start);
        start = slash + 1;
        if (part.empty() || part == ".") continue;  // "a//b", "./a", the folder's trailing '/'
        if (part == "..") Fail("unsafe_entry_name", "entry name climbs out with ..", name);
        if (part.size() > kMaxComponentBytes) Fail("bad_entry_name", "name part too long", name);
        parts.emplace_back(part);
    }
    if (parts.empty()) Fail("bad_entry_name", "an entry without a name", name);
    if (parts.size() > kMaxComponents) Fail("bad_entry_name", "entry nested too deep", name);
    return parts;
}

// Opens (creating as needed) the folder parts[0..n) under `root`; a part that exists as a
// file or a link is refused, never followed.
Fd OpenFolder(int root, const std::vector<std::string>& parts, size_t n, std::string_view name) {
    Fd dir(::dup(root));
    if (dir.fd < 0) StorageFailure("dup");
    for (size_t i = 0; i < n; ++i) {
        if (::mkdirat(dir.fd, parts[i].c_str(), 0755) != 0 && errno != EEXIST)
            StorageFailure("mkdir");
        Fd next(
            ::openat(dir.fd, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (next.fd < 0) {
            if (errno == ENOTDIR || errno == ELOOP)
                Fail("duplicate_entry", "a folder of the entry is also a file", name);
            StorageFailure("open folder");
        }
        dir = std::move(next);
    }
    return dir;
}

class ZipIn {
  public:
    explicit ZipIn(const std::string& path) : a_(archive_read_new()) {
        if (!a_) throw std::bad_alloc();
        archive_read_support_format_zip(a_);  // zip only: no tar, 7z, rar, ...
        if (archive_read_open_filename(a_, path.c_str(), 1 << 16) != ARCHIVE_OK) {
            // A throwing constructor runs no destructor: free it here.
            std::string why = Error();
            archive_read_free(a_);
            Fail("not_zip", "cannot open as zip: " + why);
        }
    }
    ~ZipIn() { archive_read_free(a_); }
    ZipIn(const ZipIn&) = delete;
    ZipIn& operator=(const ZipIn&) = delete;

    archive_entry* Next(bool first) {
        archive_entry* e = nullptr;
        int rc = archive_read_next_header(a_, &e);
        if (rc == ARCHIVE_EOF) return nullptr;
        if (rc < ARCHIVE_WARN) {
            if (first) Fail("not_zip", std::string("not a zip file: ") + Error());
            Fail("damaged_zip", std::string("damaged zip: ") + Error());
        }
        return e;
    }
    la_ssize_t Read(char* buf, size_t n) {
        la_ssize_t got = archive_read_data(a_, buf, n);
        if (got < 0) Fail("damaged_zip", std::string("damaged zip entry: ") + Error());
        return got;
    }
    // Compressed bytes consumed so far.
    uint64_t Position() const { return static_cast<uint64_t>(archive_filter_bytes(a_, -1)); }

  private:
    const char* Error() const { return archive_error_string(a_) ? archive_error_string(a_) : "?"; }
    archive* a_;
};

std::string ReadManifest(int root) {
    Fd f(::openat(root, kManifestName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (f.fd < 0) StorageFailure("open imsmanifest.xml");
    std::string xml;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(f.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) StorageFailure("read imsmanifest.xml");
        if (n == 0) break;
        if (xml.size() + static_cast<size_t>(n) > kMaxManifestBytes)
            Fail("manifest_too_large",
                 "imsmanifest.xml larger than " + std::to_string(kMaxManifestBytes >> 20) + " MiB");
        xml.append(buf, static_cast<size_t>(n));
    }
    return xml;
}

ScormManifest Unpack(const std::string& zip_path, const std::string& partial,
                     const PackageLimits& limits) {
    struct stat zst {};
    if (::stat(zip_path.c_str(), &zst) != 0) StorageFailure("stat " + zip_path);
    const uint64_t zip_size = static_cast<uint64_t>(zst.st_size);
    if (::mkdir(partial.c_str(), 0755) != 0) StorageFailure("mkdir " + partial);
    Fd root(::open(partial.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (root.fd < 0) StorageFailure("open " + partial);

    ZipIn zip(zip_path);
    std::set<std::string> files, folders;
    std::string nested_manifest;  // a folder holding imsmanifest.xml, when the root has none
    uint64_t total = 0;
    size_t entries = 0;
    static thread_local char buf[1 << 16];
    for (archive_entry* e; (e = zip.Next(entries == 0));) {
        if (++entries > limits.max_entries)
            Fail("too_many_entries",
                 "more than " + std::to_string(limits.max_entries) + " entries");
        const char* raw = archive_entry_pathname_utf8(e);
        if (!raw) raw = archive_entry_pathname(e);
        std::string name = raw ? raw : "";
        auto parts = EntryComponents(name);
        if (archive_entry_hardlink(e) || archive_entry_symlink(e))
            Fail("link_entry", "links are not allowed in a package", name);
        const auto type = archive_entry_filetype(e);
        if (type == AE_IFLNK) Fail("link_entry", "links are not allowed in a package", name);
        if (type != AE_IFREG && type != AE_IFDIR)
            Fail("special_entry", "only files and folders are allowed in a package", name);
        if (archive_entry_is_encrypted(e))
            Fail("encrypted", "encrypted entries cannot be read", name);

        std::string path;
        for (const auto& part : parts) path += (path.empty() ? "" : "/") + part;
        if (type == AE_IFDIR) {
            if (files.count(path)) Fail("duplicate_entry", "a folder is also a file", name);
            folders.insert(path);
            OpenFolder(root.fd, parts, parts.size(), name);
            continue;
        }
        if (files.count(path) || folders.count(path))
            Fail("duplicate_entry", "two entries with one name", name);
        files.insert(path);
        if (parts.back() == kManifestName && parts.size() > 1 && nested_manifest.empty())
            nested_manifest = path.substr(0, path.size() - parts.back().size() - 1);

        Fd dir = OpenFolder(root.fd, parts, parts.size() - 1, name);
        Fd out(::openat(dir.fd, parts.back().c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (out.fd < 0) {
            if (errno == EEXIST) Fail("duplicate_entry", "two entries with one name", name);
            StorageFailure("create " + Clip(path));
        }
        // The header's sizes are the zip's word; what counts is what inflates.
        const uint64_t start = zip.Position();
        uint64_t written = 0;
        for (;;) {
            la_ssize_t n = zip.Read(buf, sizeof buf);
            if (n == 0) break;
            written += static_cast<uint64_t>(n);
            total += static_cast<uint64_t>(n);
            if (written > limits.max_entry_bytes)
                Fail("entry_too_large",
                     "an entry inflates past " + std::to_string(limits.max_entry_bytes >> 20) +
                         " MiB",
                     name);
            if (total > limits.max_total_bytes)
                Fail("too_large", "the package inflates past " +
                                      std::to_string(limits.max_total_bytes >> 20) + " MiB");
            const uint64_t consumed = std::max<uint64_t>(1, zip.Position() - start);
            if (written > kRatioFloor && static_cast<double>(written) / consumed > limits.max_ratio)
                Fail("zip_bomb",
                     "an entry inflates more than " +
                         std::to_string(static_cast<int>(limits.max_ratio)) +
                         " times its compressed size",
                     name);
            if (total > kRatioFloor &&
                static_cast<double>(total) / std::max<uint64_t>(1, zip_size) > limits.max_ratio)
                Fail("zip_bomb", "the package inflates more than " +
                                     std::to_string(static_cast<int>(limits.max_ratio)) +
                                     " times its size");
            for (const char* p = buf; n > 0;) {
                ssize_t w = ::write(out.fd, p, static_cast<size_t>(n));
                if (w < 0 && errno == EINTR) continue;
                if (w < 0) StorageFailure("write " + Clip(path));
                p += w;
                n -= w;
            }
        }
    }

    if (!files.count(kManifestName)) {
        if (!nested_manifest.empty())
            Fail("manifest_in_subfolder",
                 "imsmanifest.xml is in a folder: zip the package's contents, not its folder",
                 nested_manifest);
        Fail("no_manifest", "no imsmanifest.xml at the root of the zip");
    }
    ScormManifest m = ParseManifest(ReadManifest(root.fd));
    for (const ScormItem* item : m.Launchable()) {
        std::string file;
        if (!core::UrlDecode(HrefPath(item->href), file, false))
            Fail("unsafe_href", "malformed percent escape", item->href);
        // Normalized the way entry names are, so "./a.html" and "a//b" find their file.
        std::string normal;
        for (const auto& part : core::Split(file, '/'))
            if (!part.empty() && part != ".") normal += (normal.empty() ? "" : "/") + part;
        if (!files.count(normal))
            Fail("missing_launch_file", "the launch page is not in the package", normal);
    }
    return m;
}

}  // namespace

ScormManifest ExtractPackage(const std::string& zip_path, const std::string& dest_dir,
                             const PackageLimits& limits) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (dest_dir.empty() || fs::symlink_status(dest_dir, ec).type() != fs::file_type::not_found)
        Fail("storage_error", "destination exists: " + dest_dir);
    const std::string partial = dest_dir + ".partial";
    fs::remove_all(partial, ec);  // left by a crash; remove_all does not follow links
    try {
        ScormManifest m = Unpack(zip_path, partial, limits);
        if (::rename(partial.c_str(), dest_dir.c_str()) != 0) StorageFailure("rename");
        return m;
    } catch (...) {
        fs::remove_all(partial, ec);
        throw;
    }
}

}  // namespace govhub::learning
