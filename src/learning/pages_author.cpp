// Learning's authoring pages: a course's form (new and edit), its outline to manage (sections,
// lessons, their order, publish and unpublish, delete, its staff), a lesson's form, and the
// upload of a lesson's video or PDF; and the course staff's JSON
// (GET/POST/DELETE /api/learning/courses/{name}/staff). Who may author is the service's rule
// (LearningService::MayAuthor): a sysadmin, the course's creator, its agency's editors and
// admins, and its course staff; who may change the staff is LearningService::AddStaff's.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/strings.hpp"
#include "learning/certificates.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {
namespace {

using http::Request;
using http::Response;
using render::View;

struct Author {
    LearningService& service;
    const render::PageRenderer& pages;
    PageSettings settings;

    Response Page(const Request& req, const std::string& tmpl, View v, const std::string& title,
                  int status = 200) const {
        return LearningPage(pages, settings, req, tmpl, std::move(v), title, status);
    }

    CourseOutline AuthorOutline(const Request& req) const {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        auto o = service.Outline(std::string(req.PathParam("name")), &p);
        if (!o) throw HttpError::NotFound("learning.course_not_found");
        if (!o->can_author) throw HttpError::Forbidden();
        return *o;
    }

    // ---- the course form
    CourseInput InputOf(const Request& req) const {
        CourseInput in{.name = req.FormValue("name"),
                       .title = req.FormValue("title"),
                       .title_en = req.FormValue("title_en"),
                       .summary = req.FormValue("summary"),
                       .summary_en = req.FormValue("summary_en"),
                       .description = req.FormValue("description"),
                       .description_en = req.FormValue("description_en"),
                       .category = req.FormValue("category"),
                       .level = req.FormValue("level"),
                       .agency_id = req.FormValue("agency_id"),
                       .minutes = req.FormValue("minutes"),
                       .min_study_minutes = req.FormValue("min_study_minutes"),
                       .video_threshold = req.FormValue("video_threshold"),
                       .certificate_info = req.FormValue("certificate_info"),
                       .certificate_info_en = req.FormValue("certificate_info_en")};
        // The key field is only changed when its box is ticked: an edit does not show the key.
        if (req.FormValue("change_key") == "1") in.enrol_key = req.FormValue("enrol_key");
        return in;
    }

    void SaveAutoApprove(const Request& req, const Course& c) const {
        if (settings.certificates)
            settings.certificates->SetAutoApprove(
                c.id, req.FormValue("certificate_auto_approve") == "1", api::CallerOf(req));
    }

    Response CourseForm(const Request& req, const CourseInput& in, const Course* existing,
                        const std::vector<FieldError>& errors, int status) const {
        const std::string& locale = req.locale;
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        View v;
        v.Set("editing", existing != nullptr);
        v.Set("action", existing ? "/learning/course/" + existing->name + "/edit"
                                 : std::string("/learning/course/new"));
        if (existing) v.Set("course_name", existing->name);
        v.Set("name", in.name)
            .Set("title", in.title)
            .Set("title_en", in.title_en)
            .Set("summary", in.summary)
            .Set("summary_en", in.summary_en)
            .Set("description", in.description)
            .Set("description_en", in.description_en)
            .Set("minutes", in.minutes)
            .Set("min_study_minutes", in.min_study_minutes)
            .Set("video_threshold", in.video_threshold.empty() ? "90" : in.video_threshold)
            .Set("certificate_info", in.certificate_info)
            .Set("certificate_info_en", in.certificate_info_en)
            .Set("key_set", existing && !existing->enrol_key_hash.empty());
        // Certificates issued on request without review (certificates.hpp).
        if (settings.certificates)
            v.Set("offer_auto_approve", true)
                .Set("certificate_auto_approve",
                     req.method == "POST" ? req.FormValue("certificate_auto_approve") == "1"
                     : existing           ? settings.certificates->AutoApprove(existing->id)
                                          : false);
        SelectChoices cats, levels;
        for (const auto& key : CourseCategories())
            cats.emplace_back(key, pages.T(locale, "learning.category." + key));
        for (const auto& [lv, text] : kCourseLevelText.all())
            levels.emplace_back(std::string(text),
                                pages.T(locale, "learning.level." + std::string(text)));
        v.Set("categories", SelectOptions(cats, in.category))
            .Set("levels", SelectOptions(levels, in.level))
            .Set("agencies", SelectOptions(AgencyChoicesFor(p, existing, locale), in.agency_id))
            .Set("sysadmin", p.sysadmin);
        pages.AddErrors(v, errors, locale);
        return Page(req, "learning/course_form", std::move(v),
                    existing ? "learning.edit_course" : "learning.new_course", status);
    }

    // The author's agencies, and the course's own agency when it is not one of them (course
    // staff, a sysadmin's placement): the form always shows where the course belongs.
    SelectChoices AgencyChoicesFor(const api::Principal& p, const Course* existing,
                                   const std::string& locale) const {
        SelectChoices choices = service.AgencyChoices(p, locale);
        if (existing && !existing->agency_id.empty() &&
            std::none_of(choices.begin(), choices.end(),
                         [&](const auto& c) { return c.first == existing->agency_id; }))
            choices.insert(choices.begin(),
                           {existing->agency_id, service.AgencyTitle(existing->agency_id, locale)});
        return choices;
    }

    Response NewCourseForm(Request& req) const {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        if (!service.CanCreateCourse(&p))
            throw HttpError::Forbidden("learning.error.cannot_create");
        CourseInput in;
        in.level = "beginner";
        in.category = "digital_government";
        auto choices = service.AgencyChoices(p, req.locale);
        if (choices.size() == 1) in.agency_id = choices.front().first;
        return CourseForm(req, in, nullptr, {}, 200);
    }

    Response CreateCourse(Request& req) const {
        CourseInput in = InputOf(req);
        try {
            Course c = service.CreateCourse(in, api::CallerOf(req));
            SaveAutoApprove(req, c);
            return Response::Redirect("/learning/course/" + c.name + "/manage");
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return CourseForm(req, in, nullptr, e.fields(), 422);
        }
    }

    Response EditCourseForm(Request& req) const {
        CourseOutline o = AuthorOutline(req);
        const Course& c = o.course;
        CourseInput in{.name = c.name,
                       .title = c.title,
                       .title_en = c.title_en,
                       .summary = c.summary,
                       .summary_en = c.summary_en,
                       .description = c.description,
                       .description_en = c.description_en,
                       .category = c.category,
                       .level = std::string(kCourseLevelText.Name(c.level)),
                       .agency_id = c.agency_id,
                       .minutes = std::to_string(c.minutes),
                       .min_study_minutes = std::to_string(c.min_study_minutes),
                       .video_threshold = std::to_string(c.video_threshold),
                       .certificate_info = c.certificate_info,
                       .certificate_info_en = c.certificate_info_en};
        return CourseForm(req, in, &c, {}, 200);
    }

    Response UpdateCourse(Request& req) const {
        CourseOutline o = AuthorOutline(req);
        CourseInput in = InputOf(req);
        try {
            Course c = service.UpdateCourse(o.course.id, in, api::CallerOf(req));
            SaveAutoApprove(req, c);
            return Response::Redirect("/learning/course/" + c.name + "/manage");
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return CourseForm(req, in, &o.course, e.fields(), 422);
        }
    }

    // ---- the outline to manage
    Response Manage(const Request& req, const CourseOutline& o,
                    const std::vector<FieldError>& errors, int status) const {
        const std::string& locale = req.locale;
        View v;
        const Course& c = o.course;
        v.Set("name", c.name)
            .Set("title", locale == "en" && !c.title_en.empty() ? c.title_en : c.title)
            .Set("published", c.state == CourseState::kPublished)
            .Set("learners", o.learners);
        View sections = View::List();
        SelectChoices section_choices;
        for (const auto& s : o.sections) {
            View sv;
            sv.Set("id", s.id).Set("title", s.title).Set("title_en", s.title_en);
            View lessons = View::List();
            for (const auto& l : o.lessons) {
                if (l.section_id != s.id) continue;
                View lv;
                lv.Set("id", l.id)
                    .Set("title", l.title)
                    .Set("kind", pages.T(locale, "learning.kind." +
                                                     std::string(kLessonKindText.Name(l.kind))))
                    .Set("optional", !l.required)
                    .Set("needs_media",
                         ((l.kind == LessonKind::kVideo || l.kind == LessonKind::kPdf) &&
                          l.media_file.empty()) ||
                             (l.kind == LessonKind::kScorm && settings.scorm &&
                              !settings.scorm->Package(l.id)));
                lessons.Push(std::move(lv));
            }
            sv.Set("has_lessons", !lessons.items().empty()).Set("lessons", std::move(lessons));
            sections.Push(std::move(sv));
            section_choices.emplace_back(s.id, s.title);
        }
        v.Set("sections", std::move(sections)).Set("has_sections", !o.sections.empty());
        v.Set("section_choices", SelectOptions(section_choices));
        SelectChoices kinds;
        for (LessonKind k : LessonKinds()) {
            std::string text(kLessonKindText.Name(k));
            kinds.emplace_back(text, pages.T(locale, "learning.kind." + text));
        }
        v.Set("kinds", SelectOptions(kinds));
        CourseStaffList staff = service.Staff(c.id, api::CurrentUser(req), locale);
        View members = View::List();
        for (const auto& m : staff.staff) {
            View mv;
            mv.Set("name", m.name).Set("display_name", m.display_name);
            members.Push(std::move(mv));
        }
        // Inside {{#staff}} "name" is the member's: the forms there use course_name.
        v.Set("course_name", c.name)
            .Set("staff", std::move(members))
            .Set("has_staff", !staff.staff.empty())
            .Set("can_manage_staff", staff.can_manage)
            // Deleting is for those who manage the course's staff (not its staff): as in Moodle,
            // a teacher edits a course and a manager deletes it.
            .Set("can_delete", o.learners == 0 && staff.can_manage);
        if (settings.certificates) AddCompletions(v, *settings.certificates, c, req, pages);
        pages.AddErrors(v, errors, locale);
        return Page(req, "learning/manage", std::move(v), "learning.manage_title", status);
    }

    Response ManagePage(Request& req) const { return Manage(req, AuthorOutline(req), {}, 200); }

    // Runs an authoring action from the manage page; field errors come back on that page.
    template <class F>
    Response OnManage(Request& req, F&& action) const {
        CourseOutline o = AuthorOutline(req);
        try {
            std::string to = action(o);
            return Response::Redirect(to.empty() ? "/learning/course/" + o.course.name + "/manage"
                                                 : to);
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            // A validation's 409 is the form's 422; a field's 404 (no such user) stays a 404.
            return Manage(req, AuthorOutline(req), e.fields(),
                          e.status() == 409 ? 422 : e.status());
        }
    }

    // ---- the lesson form
    Response LessonForm(const Request& req, const Lesson& l, const std::vector<FieldError>& errors,
                        int status) const {
        const std::string& locale = req.locale;
        auto o = service.Outline(l.course_id, api::CurrentUser(req));
        if (!o || !o->can_author) throw HttpError::Forbidden();
        View v;
        v.Set("id", l.id)
            .Set("course_name", o->course.name)
            .Set("title", l.title)
            .Set("title_en", l.title_en)
            .Set("body", l.body)
            .Set("body_en", l.body_en)
            .Set("minutes", l.minutes)
            .Set("required", l.required)
            .Set("kind",
                 pages.T(locale, "learning.kind." + std::string(kLessonKindText.Name(l.kind))))
            .Set("media", l.kind == LessonKind::kVideo || l.kind == LessonKind::kPdf)
            .Set("video", l.kind == LessonKind::kVideo)
            .Set("quiz", l.kind == LessonKind::kQuiz)
            .Set("has_media", !l.media_file.empty())
            .Set("media_size", core::HumanSize(static_cast<uint64_t>(l.media_bytes)))
            .Set("max_video_mib", static_cast<int64_t>(service.config().max_video_bytes >> 20))
            .Set("max_pdf_mib", static_cast<int64_t>(service.config().max_pdf_bytes >> 20));
        if (l.kind == LessonKind::kScorm) AddPackage(v, l, locale);
        SelectChoices sections;
        for (const auto& s : o->sections) sections.emplace_back(s.id, s.title);
        v.Set("sections", SelectOptions(sections, l.section_id));
        pages.AddErrors(v, errors, locale);
        return Page(req, "learning/lesson_form", std::move(v), "learning.edit_lesson", status);
    }

    // A scorm lesson's package: its version, title, item tree (indented by depth), warnings.
    void AddPackage(View& v, const Lesson& l, const std::string& locale) const {
        v.Set("scorm", true)
            .Set("max_package_mib",
                 static_cast<int64_t>(settings.scorm ? settings.scorm->config().max_zip_bytes >> 20
                                                     : 0));
        auto pkg = settings.scorm ? settings.scorm->Package(l.id) : std::nullopt;
        v.Set("has_package", pkg.has_value());
        if (!pkg) return;
        View items = View::List();
        auto walk = [&](auto& self, const std::vector<ScormMenuItem>& list, int depth) -> void {
            for (const auto& i : list) {
                View iv;
                iv.Set("title", i.title)
                    .Set("id", i.id)
                    .Set("launchable", i.launchable)
                    .Set("depth", depth);
                items.Push(std::move(iv));
                if (depth < 8) self(self, i.children, depth + 1);
            }
        };
        walk(walk, pkg->items, 0);
        View warnings = View::List();
        for (const auto& w : pkg->warnings) {
            View wv;
            wv.Set("text", pages.T(locale, w));
            warnings.Push(std::move(wv));
        }
        v.Set("package_version", std::string(ScormVersionText(pkg->version)))
            .Set("package_title", pkg->title)
            .Set("package_items", std::move(items))
            .Set("package_sco_count", static_cast<int64_t>(pkg->scos.size()))
            .Set("package_size", core::HumanSize(static_cast<uint64_t>(pkg->bytes)))
            .Set("package_uploaded", pkg->uploaded)
            .Set("package_sequencing", pkg->declares_sequencing)
            .Set("has_warnings", !pkg->warnings.empty())
            .Set("package_warnings", std::move(warnings));
    }

    Lesson FindLesson(const Request& req) const {
        auto lv = service.OpenLesson(std::string(req.PathParam("id")), api::CurrentUser(req));
        if (!lv.outline.can_author) throw HttpError::Forbidden();
        return lv.lesson;
    }

    Response EditLessonForm(Request& req) const {
        return LessonForm(req, FindLesson(req), {}, 200);
    }

    Response UpdateLesson(Request& req) const {
        Lesson l = FindLesson(req);
        LessonInput in{.section_id = req.FormValue("section_id"),
                       .title = req.FormValue("title"),
                       .title_en = req.FormValue("title_en"),
                       .body = req.FormValue("body"),
                       .body_en = req.FormValue("body_en"),
                       .minutes = req.FormValue("minutes"),
                       .required = req.FormValue("required") == "1"};
        try {
            service.UpdateLesson(l.id, in, api::CallerOf(req));
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            l.title = in.title;
            l.title_en = in.title_en;
            l.body = in.body;
            l.body_en = in.body_en;
            l.required = in.required;
            return LessonForm(req, l, e.fields(), 422);
        }
        auto o = service.Outline(l.course_id, api::CurrentUser(req));
        return Response::Redirect("/learning/course/" + o->course.name + "/manage");
    }

    Response Upload(Request& req) const {
        Lesson l = FindLesson(req);
        const http::Part* part = req.FilePart("upload");
        MediaUpload up;
        if (part && part->file) {
            auto file = part->file;
            up = {file->path(), part->filename, part->size,
                  [file](const std::string& dest) { return file->MoveTo(dest); }};
        }
        try {
            if (l.kind == LessonKind::kScorm && settings.scorm)
                settings.scorm->Attach(l.id, std::move(up), api::CallerOf(req));
            else
                service.AttachMedia(l.id, std::move(up), api::CallerOf(req));
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return LessonForm(req, l, e.fields(), 422);
        }
        return Response::Redirect("/learning/lesson/" + l.id + "/edit");
    }
};

// The course of an API call on its staff: 404 when it does not exist or the reader may not see
// it (a draft), as the course's own JSON.
Course StaffCourse(LearningService& service, Request& req) {
    auto o = service.Outline(std::string(req.PathParam("name")), api::CurrentUser(req));
    if (!o) throw HttpError::NotFound("learning.course_not_found");
    return o->course;
}

nlohmann::json StaffJson(const CourseStaffList& list) {
    nlohmann::json staff = nlohmann::json::array();
    for (const auto& m : list.staff)
        staff.push_back(
            {{"user_id", m.user_id}, {"name", m.name}, {"display_name", m.display_name}});
    return {{"staff", staff}, {"can_manage", list.can_manage}};
}

void RegisterStaffApi(http::Router& router, LearningService& service) {
    http::RouteOptions small{.body_limit = 16 << 10, .rate_limit = "form"};
    router.Get("/api/learning/courses/{name}/staff", [&service](Request& req) {
        Course c = StaffCourse(service, req);
        return SendJson(StaffJson(service.Staff(c.id, api::CurrentUser(req), req.locale)));
    });
    router.Post(
        "/api/learning/courses/{name}/staff",
        [&service](Request& req) {
            Course c = StaffCourse(service, req);
            nlohmann::json body = FieldsOf(req);
            bool added = service.AddStaff(c.id, JsonText(body, "user"), api::CallerOf(req));
            nlohmann::json out = StaffJson(service.Staff(c.id, api::CurrentUser(req), req.locale));
            out["added"] = added;
            return SendJson(out, added ? 201 : 200);
        },
        small);
    router.Add(
        "DELETE", "/api/learning/courses/{name}/staff",
        [&service](Request& req) {
            Course c = StaffCourse(service, req);
            // The user by ?user= (clients that send no body with DELETE) or in the body.
            std::string user = req.Query("user");
            if (user.empty() && !req.body.empty()) user = JsonText(FieldsOf(req), "user");
            bool removed = service.RemoveStaff(c.id, user, api::CallerOf(req));
            nlohmann::json out = StaffJson(service.Staff(c.id, api::CurrentUser(req), req.locale));
            out["removed"] = removed;
            return SendJson(out);
        },
        small);
}

}  // namespace

void RegisterAuthoringPages(http::Router& router, LearningService& service,
                            const render::PageRenderer& pages, const PageSettings& settings) {
    auto a = std::make_shared<Author>(Author{service, pages, settings});
    RegisterStaffApi(router, service);
    http::RouteOptions form{.body_limit = 512 << 10, .rate_limit = "form"};
    http::RouteOptions upload{
        .body_limit = static_cast<size_t>(std::max(service.config().max_video_bytes,
                                                   service.config().max_pdf_bytes)) +
                      (1 << 20),
        .upload = true,
        .rate_limit = "form"};
    router.Get("/learning/course/new", [a](Request& req) { return a->NewCourseForm(req); });
    router.Post(
        "/learning/course/new", [a](Request& req) { return a->CreateCourse(req); }, form);
    router.Get("/learning/course/{name}/edit",
               [a](Request& req) { return a->EditCourseForm(req); });
    router.Post(
        "/learning/course/{name}/edit", [a](Request& req) { return a->UpdateCourse(req); }, form);
    router.Get("/learning/course/{name}/manage", [a](Request& req) { return a->ManagePage(req); });
    router.Post(
        "/learning/course/{name}/publish",
        [a](Request& req) {
            return a->OnManage(req, [&](const CourseOutline& o) {
                a->service.SetPublished(o.course.id, req.FormValue("publish") == "1",
                                        api::CallerOf(req));
                return std::string();
            });
        },
        form);
    router.Post(
        "/learning/course/{name}/delete",
        [a](Request& req) {
            return a->OnManage(req, [&](const CourseOutline& o) {
                a->service.DeleteCourse(o.course.id, api::CallerOf(req));
                return std::string("/learning/my");
            });
        },
        form);
    router.Post(
        "/learning/course/{name}/sections",
        [a](Request& req) {
            return a->OnManage(req, [&](const CourseOutline& o) {
                a->service.AddSection(o.course.id, req.FormValue("title"),
                                      req.FormValue("title_en"), api::CallerOf(req));
                return std::string();
            });
        },
        form);
    router.Post(
        "/learning/course/{name}/sections/{section}",
        [a](Request& req) {
            return a->OnManage(req, [&](const CourseOutline&) {
                std::string section(req.PathParam("section"));
                if (req.FormValue("delete") == "1")
                    a->service.DeleteSection(section, api::CallerOf(req));
                else
                    a->service.UpdateSection(section, req.FormValue("title"),
                                             req.FormValue("title_en"), api::CallerOf(req));
                return std::string();
            });
        },
        form);
    router.Post(
        "/learning/course/{name}/lessons",
        [a](Request& req) {
            return a->OnManage(req, [&](const CourseOutline& o) {
                LessonInput in{.section_id = req.FormValue("section_id"),
                               .kind = req.FormValue("kind"),
                               .title = req.FormValue("title"),
                               .title_en = req.FormValue("title_en"),
                               .body = req.FormValue("body"),
                               .minutes = req.FormValue("minutes"),
                               .required = req.FormValue("required", "1") == "1"};
                // A text lesson starts with its title as its text; the author writes it next.
                if (in.kind == "text" && core::Trim(in.body).empty()) in.body = in.title;
                Lesson l = a->service.AddLesson(o.course.id, in, api::CallerOf(req));
                return "/learning/lesson/" + l.id + "/edit";
            });
        },
        form);
    router.Post(
        "/learning/course/{name}/staff",
        [a](Request& req) {
            return a->OnManage(req, [&](const CourseOutline& o) {
                a->service.AddStaff(o.course.id, req.FormValue("user"), api::CallerOf(req));
                return "/learning/course/" + o.course.name + "/manage#staff";
            });
        },
        form);
    router.Post(
        "/learning/course/{name}/staff/remove",
        [a](Request& req) {
            return a->OnManage(req, [&](const CourseOutline& o) {
                a->service.RemoveStaff(o.course.id, req.FormValue("user"), api::CallerOf(req));
                return "/learning/course/" + o.course.name + "/manage#staff";
            });
        },
        form);
    router.Get("/learning/lesson/{id}/edit", [a](Request& req) { return a->EditLessonForm(req); });
    router.Post(
        "/learning/lesson/{id}/edit", [a](Request& req) { return a->UpdateLesson(req); }, form);
    router.Post(
        "/learning/lesson/{id}/media", [a](Request& req) { return a->Upload(req); }, upload);
    router.Post(
        "/learning/lesson/{id}/move",
        [a](Request& req) {
            Lesson l = a->FindLesson(req);
            a->service.MoveLesson(l.id, req.FormValue("direction") == "up" ? -1 : 1,
                                  api::CallerOf(req));
            auto o = a->service.Outline(l.course_id, api::CurrentUser(req));
            return Response::Redirect("/learning/course/" + o->course.name + "/manage");
        },
        form);
    router.Post(
        "/learning/lesson/{id}/delete",
        [a](Request& req) {
            Lesson l = a->FindLesson(req);
            auto o = a->service.Outline(l.course_id, api::CurrentUser(req));
            a->service.DeleteLesson(l.id, api::CallerOf(req));
            return Response::Redirect("/learning/course/" + o->course.name + "/manage");
        },
        form);
}

}  // namespace govhub::learning
