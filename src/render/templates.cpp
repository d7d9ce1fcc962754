#include "render/templates.hpp"

#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <sstream>
#include <stdexcept>

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
}  // namespace

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
}

std::string Templates::Render(const std::string& name, const View& view) const {
    auto it = sources_.find(name);
    if (it == sources_.end()) throw std::runtime_error("no template " + name);
    mst::data data = ToData(view);
    // Only templates under partials/ are partials, so their names never shadow view keys.
    for (const auto& [pname, source] : sources_) {
        if (pname.rfind("partials/", 0) != 0) continue;
        const std::string* text = &source;
        data.set(pname, mst::partial([text] { return *text; }));
    }
    // A mustache object is not safe to share between threads; parsing is cheap.
    mst::mustache tmpl(it->second);
    std::string out = tmpl.render(data);
    if (!tmpl.is_valid())
        throw std::runtime_error("template " + name + ": " + tmpl.error_message());
    return out;
}

}  // namespace govhub::render
