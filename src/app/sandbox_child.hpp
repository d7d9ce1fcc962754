#pragma once
// The sandbox children (core/child_process.hpp) by mode: `sql`, `xls PATH SHEET`.
namespace govhub::app {

// argv[0] is the mode. Returns the process's exit code (2 for an unknown mode).
int RunSandboxChild(int argc, char** argv);

}  // namespace govhub::app
