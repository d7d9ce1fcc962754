#pragma once
// Learning's routes: the pages (pages.cpp) and the JSON API (api.cpp), both over one
// LearningService so they agree on every rule.
#include "accounts/identities.hpp"
#include "api/action.hpp"
#include "http/router.hpp"
#include "learning/quiz_service.hpp"
#include "learning/service.hpp"
#include "render/page.hpp"

namespace govhub::learning {

// What every Learning page shows besides its content.
struct PageSettings {
    // "demo": identities are not really verified; every Learning page says so.
    std::string verifier_mode;
};

void RegisterPages(http::Router& router, LearningService& service, QuizService& quiz,
                   const render::PageRenderer& pages, const PageSettings& settings);
// Quiz lessons: the learner's attempts, the author's editor, and their JSON (pages_quiz.cpp).
void RegisterQuizRoutes(http::Router& router, QuizService& quiz, LearningService& learning,
                        const render::PageRenderer& pages, const PageSettings& settings);
// The authoring pages (pages_author.cpp), added by RegisterPages.
void RegisterAuthoringPages(http::Router& router, LearningService& service,
                            const render::PageRenderer& pages, const PageSettings& settings);
void RegisterApi(http::Router& router, LearningService& service);
// Sign-up with the laser code and "add my identity" (pages_signup.cpp).
class SignupService;
void RegisterSignupRoutes(http::Router& router, SignupService& signup, LearningService& learning,
                          accounts::IdentityService& identities, const render::PageRenderer& pages,
                          const PageSettings& settings);

}  // namespace govhub::learning
