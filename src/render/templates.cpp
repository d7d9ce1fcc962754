#include "render/templates.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace govhub::render {

namespace mst = kainjow::mustache;

namespace {
mst::data ToData(const View& v) {
    switch (v.kind()) {
        case View::Kind::kString:
            return mst::data(v.str());
        case View::Kind::kBool:
            return v.boolean() ? mst::data(mst::data::type::bool_true)
                               : mst::data(mst::data::type::bool_false);
        case View::Kind::kList: {
            mst::data list(mst::data::type::list);
            for (const auto& item : v.items()) list.push_back(ToData(item));
            return list;
        }
        case View::Kind::kObject: {
            mst::data obj(mst::data::type::object);
            for (const auto& [k, child] : v.fields()) obj.set(k, ToData(child));
            return obj;
        }
    }
    return mst::data();
}

std::atomic<uint64_t> next_serial{1};

// A thread's parsed templates. A mustache object keeps error state while it renders, so it is
// not shared between threads; each thread parses a template once per generation of the set.
struct ParsedCache {
    uint64_t serial = 0;
    std::unordered_map<std::string, std::unique_ptr<mst::mustache>> parsed;
};
thread_local ParsedCache parsed_cache;
}  // namespace

class Templates::Globals {
  public:
    explicit Globals(const View& v) : data(ToData(v)) {}
    mst::data data;
};

struct Templates::Partials {
    mst::data data{mst::data::type::object};
};

Templates::Templates() : partials_(std::make_unique<Partials>()), serial_(next_serial++) {}
Templates::~Templates() = default;

std::shared_ptr<const Templates::Globals> Templates::MakeGlobals(const View& view) {
    return std::make_shared<const Globals>(view);
}

void Templates::LoadDirectory(const std::string& dir) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.path().extension() != ".mustache") continue;
        std::ifstream in(entry.path());
        std::stringstream ss;
        ss << in.rdbuf();
        auto rel = std::filesystem::relative(entry.path(), dir);
        rel.replace_extension();
        Add(rel.generic_string(), ss.str());
    }
}

void Templates::Add(const std::string& name, std::string text) {
    mst::mustache check(text);
    if (!check.is_valid())
        throw std::runtime_error("template " + name + ": " + check.error_message());
    sources_[name] = std::move(text);
    serial_ = next_serial++;
    // Only templates under partials/ are partials, so their names never shadow view keys. The
    // map's nodes are stable, so each partial's text is read in place.
    auto partials = std::make_unique<Partials>();
    for (const auto& [pname, source] : sources_) {
        if (pname.rfind("partials/", 0) != 0) continue;
        const std::string* src = &source;
        partials->data.set(pname, mst::partial([src] { return *src; }));
    }
    partials_ = std::move(partials);
}

std::string Templates::Render(const std::string& name, const View& view) const {
    return Render(name, view, nullptr);
}

std::string Templates::Render(const std::string& name, const View& view,
                              const Globals* globals) const {
    auto it = sources_.find(name);
    if (it == sources_.end()) throw std::runtime_error("no template " + name);
    if (parsed_cache.serial != serial_) {
        parsed_cache.parsed.clear();
        parsed_cache.serial = serial_;
    }
    auto& slot = parsed_cache.parsed[name];
    if (!slot) slot = std::make_unique<mst::mustache>(it->second);
    mst::mustache& tmpl = *slot;

    mst::data data = ToData(view);
    // Looked up from the front: the page's data, then the globals, then the partials.
    mst::context<std::string> ctx;
    ctx.push(&partials_->data);
    if (globals) ctx.push(&globals->data);
    ctx.push(&data);
    std::string out = tmpl.render(ctx);
    if (!tmpl.is_valid()) {
        std::string error = tmpl.error_message();
        slot.reset();  // its error state would stick
        throw std::runtime_error("template " + name + ": " + error);
    }
    return out;
}

}  // namespace govhub::render
