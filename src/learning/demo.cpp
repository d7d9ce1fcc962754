#include "learning/demo.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/run_tool.hpp"
#include "learning/quiz_service.hpp"
#include "learning/store.hpp"

namespace govhub::learning {

namespace fs = std::filesystem;

namespace {

// A 30-second test-pattern video with a tone (H.264/AAC in MP4, 640×360), made by Debian's
// ffmpeg: nothing binary is committed. Empty when ffmpeg is missing or fails.
std::string MakeDemoVideo(const std::string& dir) {
    const char* candidates[] = {"/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"};
    std::string ffmpeg;
    for (const char* c : candidates)
        if (::access(c, X_OK) == 0) ffmpeg = c;
    if (ffmpeg.empty()) return "";
    std::string out = dir + "/learning-demo-video.mp4";
    // ffmpeg writes nothing to stdout here (its messages go to stderr): none of it is kept.
    auto r = core::RunTool({ffmpeg,
                            "-nostdin",
                            "-loglevel",
                            "error",
                            "-y",
                            "-f",
                            "lavfi",
                            "-i",
                            "testsrc2=duration=30:size=640x360:rate=25",
                            "-f",
                            "lavfi",
                            "-i",
                            "sine=frequency=440:duration=30",
                            "-c:v",
                            "libx264",
                            "-preset",
                            "veryfast",
                            "-pix_fmt",
                            "yuv420p",
                            "-c:a",
                            "aac",
                            "-b:a",
                            "64k",
                            "-movflags",
                            "+faststart",
                            "-shortest",
                            out},
                           {.timeout = std::chrono::seconds(120), .max_output_bytes = 0});
    if (!r.ok()) return "";
    return fs::exists(out) ? out : "";
}

MediaUpload FileUpload(const std::string& path) {
    return {path, fs::path(path).filename().string(), static_cast<uint64_t>(fs::file_size(path)),
            [path](const std::string& dest) {
                std::error_code ec;
                fs::rename(path, dest, ec);
                if (ec) fs::copy_file(path, dest, fs::copy_options::overwrite_existing, ec);
                return !ec;
            }};
}

constexpr const char* kIntroText =
    R"md(ข้อมูลเปิดภาครัฐ (Open Government Data) คือข้อมูลที่หน่วยงานของรัฐเผยแพร่ให้ทุกคน**นำไปใช้ได้อย่างเสรี** ไม่ต้องขออนุญาต และไม่มีค่าใช้จ่าย

## ลักษณะของข้อมูลเปิดที่ดี

- **ครบถ้วน**: เผยแพร่ข้อมูลทั้งชุด ไม่ตัดทอน
- **เป็นปัจจุบัน**: ปรับปรุงตามรอบที่ประกาศไว้
- **อ่านได้ด้วยเครื่อง**: ใช้รูปแบบเช่น CSV หรือ JSON แทนการสแกนเอกสารเป็นภาพ
- **มีคำอธิบาย (metadata)**: บอกว่าใครเป็นเจ้าของ หน่วยวัดคืออะไร และใช้ได้ภายใต้สัญญาอนุญาตใด

## ทำไมหน่วยงานต้องเปิดข้อมูล

การเปิดข้อมูลช่วยให้ประชาชนตรวจสอบการทำงานของรัฐได้ ช่วยให้นักพัฒนาสร้างบริการใหม่จากข้อมูล และช่วยให้หน่วยงานด้วยกันใช้ข้อมูลร่วมกันโดยไม่ต้องขอเป็นหนังสือทุกครั้ง

ลองค้นหาชุดข้อมูลจริงได้ที่ [แคตตาล็อกข้อมูลเปิด](/dataset) ของเว็บไซต์นี้
)md";

constexpr const char* kIntroTextEn =
    R"md(Open government data is data that public agencies publish for anyone to **use freely**, without asking for permission and without a fee.

## What good open data looks like

- **Complete**: the whole dataset, not an extract
- **Current**: updated on the schedule announced
- **Machine-readable**: CSV or JSON rather than scanned images
- **Described (metadata)**: who owns it, its units, and its licence

Try the [open data catalog](/dataset) of this site.
)md";

constexpr const char* kVideoText =
    R"md(วิดีโอสั้นนี้เป็นตัวอย่างบทเรียนวิดีโอ: ระบบจะจำตำแหน่งที่คุณดูค้างไว้ และนับว่าเรียนจบเมื่อดูได้ตามสัดส่วนที่หลักสูตรกำหนด)md";

constexpr const char* kPublishText = R"md(## ขั้นตอนการเผยแพร่ชุดข้อมูล

1. ลงทะเบียนเป็นเจ้าหน้าที่ของหน่วยงาน และได้รับการอนุมัติจากผู้ดูแลระบบ
2. สร้างชุดข้อมูลเป็น**ฉบับร่าง** กรอกคำอธิบายตามมาตรฐาน GD-Catalog
3. เพิ่มไฟล์ข้อมูล ระบบจะสร้างตัวอย่างข้อมูล กราฟ และ API ให้อัตโนมัติ
4. ตรวจสอบแล้วกด**เผยแพร่**

เมื่อเผยแพร่แล้ว ทุกคนค้นหาและดาวน์โหลดได้ทันที
)md";

}  // namespace

int SeedDemo(LearningService& service, const api::Principal& sysadmin, const std::string& tmp_dir) {
    bool exists = service.db().Read(
        [](db::Connection& c) { return store::FindCourse(c, "open-data-basics").has_value(); });
    if (exists) return 0;
    api::Caller caller{.principal = &sysadmin, .ip = "127.0.0.1"};
    CourseInput in{.name = "open-data-basics",
                   .title = "พื้นฐานข้อมูลเปิดภาครัฐ",
                   .title_en = "Open government data basics",
                   .summary =
                       "รู้จักข้อมูลเปิดภาครัฐ ประโยชน์ และขั้นตอนการเผยแพร่ชุดข้อมูลของหน่วยงาน "
                       "สำหรับเจ้าหน้าที่ที่เริ่มต้นเผยแพร่ข้อมูล",
                   .summary_en =
                       "What open government data is, why it matters, and how an agency "
                       "publishes a dataset: for officers starting to publish.",
                   .description =
                       "หลักสูตรนี้มี 4 บทเรียน: บทความ วิดีโอ ขั้นตอนการเผยแพร่ และแบบทดสอบท้ายหลักสูตร "
                       "ใช้เวลาเรียนประมาณ 45 นาที\n\nเมื่อเรียนจบ "
                       "การขอประกาศนียบัตรจะเปิดให้บริการเร็ว ๆ นี้",
                   .description_en =
                       "Four lessons (text, video, the publishing steps and a final quiz), "
                       "about 45 minutes.",
                   .category = "data",
                   .level = "beginner",
                   .agency_id = "dga",
                   .minutes = "45",
                   .min_study_minutes = "0",
                   .video_threshold = "80",
                   .certificate_info = "ประกาศนียบัตรผ่านการอบรมหลักสูตรพื้นฐานข้อมูลเปิดภาครัฐ",
                   .certificate_info_en = "Certificate of completion: Open government data basics"};
    Course course = service.CreateCourse(in, caller);
    Section s1 = service.AddSection(course.id, "รู้จักข้อมูลเปิด", "Meet open data", caller);
    Section s2 =
        service.AddSection(course.id, "เผยแพร่ข้อมูลของหน่วยงาน", "Publish your agency's data", caller);
    service.AddLesson(course.id,
                      {.section_id = s1.id,
                       .kind = "text",
                       .title = "ข้อมูลเปิดภาครัฐคืออะไร",
                       .title_en = "What is open government data?",
                       .body = kIntroText,
                       .body_en = kIntroTextEn,
                       .minutes = "15"},
                      caller);
    Lesson video = service.AddLesson(course.id,
                                     {.section_id = s1.id,
                                      .kind = "video",
                                      .title = "วิดีโอ: ข้อมูลเปิดในชีวิตประจำวัน",
                                      .title_en = "Video: open data in daily life",
                                      .body = kVideoText,
                                      .minutes = "10"},
                                     caller);
    std::string file = MakeDemoVideo(tmp_dir);
    if (!file.empty())
        service.AttachMedia(video.id, FileUpload(file), caller);
    else
        std::cerr << "demo learning: ffmpeg not found, the demo video lesson has no video\n";
    service.AddLesson(course.id,
                      {.section_id = s2.id,
                       .kind = "text",
                       .title = "ขั้นตอนการเผยแพร่ชุดข้อมูล",
                       .title_en = "Publishing a dataset, step by step",
                       .body = kPublishText,
                       .minutes = "20"},
                      caller);
    // The quiz: three questions of three kinds, a pass mark of 60 %, three attempts.
    Lesson quiz_lesson = service.AddLesson(course.id,
                                           {.section_id = s2.id,
                                            .kind = "quiz",
                                            .title = "แบบทดสอบท้ายหลักสูตร",
                                            .title_en = "Final quiz",
                                            .body = "ตอบคำถาม 3 ข้อ ผ่านเมื่อได้คะแนน 60% ขึ้นไป "
                                                    "ทำได้ 3 ครั้ง",
                                            .minutes = "10"},
                                           caller);
    QuizService quiz(service);
    quiz.SaveRules(quiz_lesson.id, {{"pass_percent", 60}, {"attempt_limit", 3}, {"shuffle", true}},
                   caller);
    quiz.AddQuestion(quiz_lesson.id,
                     {{"kind", "single"},
                      {"prompt", "ข้อใดเป็นลักษณะของข้อมูลเปิดที่ดี"},
                      {"choices",
                       {{{"id", "a"}, {"text", "สแกนเอกสารเป็นภาพ"}},
                        {{"id", "b"}, {"text", "เผยแพร่เป็นไฟล์ CSV พร้อมคำอธิบายข้อมูล"}},
                        {{"id", "c"}, {"text", "ต้องขออนุญาตก่อนใช้ทุกครั้ง"}}}},
                      {"correct", {"b"}},
                      {"feedback_correct", "ถูกต้อง: อ่านได้ด้วยเครื่องและมีคำอธิบาย"},
                      {"feedback_wrong", "ทบทวนบทเรียน \"ข้อมูลเปิดภาครัฐคืออะไร\""}},
                     caller);
    quiz.AddQuestion(quiz_lesson.id,
                     {{"kind", "truefalse"},
                      {"prompt", "ข้อมูลเปิดภาครัฐนำไปใช้ได้โดยไม่มีค่าใช้จ่าย"},
                      {"correct", {"true"}}},
                     caller);
    quiz.AddQuestion(quiz_lesson.id,
                     {{"kind", "short"},
                      {"prompt",
                       "ข้อมูลที่อธิบายชุดข้อมูล (เช่น เจ้าของ หน่วยวัด) เรียกว่าอะไร "
                       "(ภาษาอังกฤษ)"},
                      {"accepted", {"metadata", "เมทาดาทา"}}},
                     caller);
    service.SetPublished(course.id, true, caller);
    return 1;
}

bool SeedScormDemo(LearningService& service, ScormLessons& scorm, const api::Principal& sysadmin,
                   const std::string& tmp_dir, const std::string& web_dir) {
    bool exists = service.db().Read([](db::Connection& c) {
        return store::FindCourse(c, "cyber-security-basics").has_value();
    });
    if (exists) return false;
    std::string script = web_dir + "/../scripts/make-demo-scorm.py";
    std::string python;
    for (const char* c : {"/usr/bin/python3", "/usr/local/bin/python3"})
        if (::access(c, X_OK) == 0) python = c;
    if (python.empty() || !fs::exists(script)) {
        std::cerr << "demo learning: python3 or scripts/make-demo-scorm.py not found, no SCORM "
                     "demo course\n";
        return false;
    }
    std::string zip = tmp_dir + "/learning-demo-scorm.zip";
    auto r = core::RunTool({python, script, zip},
                           {.timeout = std::chrono::seconds(60), .max_output_bytes = 0});
    if (!r.ok() || !fs::exists(zip)) {
        std::cerr << "demo learning: make-demo-scorm.py failed, no SCORM demo course"
                  << (r.error.empty() ? "" : " (" + r.error + ")") << "\n";
        return false;
    }
    api::Caller caller{.principal = &sysadmin, .ip = "127.0.0.1"};
    CourseInput in{.name = "cyber-security-basics",
                   .title = "ความปลอดภัยไซเบอร์เบื้องต้น",
                   .title_en = "Cyber security basics",
                   .summary =
                       "รหัสผ่านที่ปลอดภัย การสังเกตอีเมลหลอกลวง และการดูแลอุปกรณ์ "
                       "บทเรียนอีเลิร์นนิงแบบ SCORM 2004 สองตอน พร้อมแบบทดสอบท้ายบท",
                   .summary_en =
                       "Safe passwords, spotting phishing and looking after your "
                       "devices: a two-part SCORM 2004 e-learning package with a check.",
                   .description =
                       "บทเรียนนี้เป็นแพ็กเกจ SCORM 2004 ระบบจะจำหน้าที่คุณเรียนค้างไว้ "
                       "และนับว่าเรียนจบเมื่อผ่านทั้งสองตอน",
                   .description_en =
                       "A SCORM 2004 package: the site remembers where you "
                       "stopped, and the lesson is done when both parts are.",
                   .category = "cyber_security",
                   .level = "beginner",
                   .agency_id = "dga",
                   .minutes = "30",
                   .min_study_minutes = "0",
                   .video_threshold = "90",
                   .certificate_info = "ประกาศนียบัตรผ่านการอบรมหลักสูตรความปลอดภัยไซเบอร์เบื้องต้น",
                   .certificate_info_en = "Certificate of completion: Cyber security basics"};
    Course course = service.CreateCourse(in, caller);
    Section s = service.AddSection(course.id, "บทเรียนอีเลิร์นนิง", "E-learning", caller);
    Lesson lesson = service.AddLesson(course.id,
                                      {.section_id = s.id,
                                       .kind = "scorm",
                                       .title = "ความปลอดภัยไซเบอร์เบื้องต้น (SCORM)",
                                       .title_en = "Cyber security basics (SCORM)",
                                       .body = "เลือกตอนจากเมนูของบทเรียน ระบบบันทึกความคืบหน้าให้อัตโนมัติ",
                                       .body_en = "Choose a part from the lesson menu; your "
                                                  "progress is saved as you go.",
                                       .minutes = "30"},
                                      caller);
    try {
        scorm.Attach(lesson.id, FileUpload(zip), caller);
    } catch (const std::exception& e) {
        std::cerr << "demo learning: the SCORM package was refused: " << e.what() << "\n";
    }
    std::error_code ec;
    fs::remove(zip, ec);
    service.SetPublished(course.id, true, caller);
    return true;
}

}  // namespace govhub::learning
