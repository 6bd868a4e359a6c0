#pragma once
// The command line's one progress reporter. On a terminal: one line that
// updates in place, with a bar and the time left. Piped: a plain line at every
// tenth of the way (no carriage returns in logs). With --quiet: nothing.
// Everything the commands print to stderr while a line is open goes through
// note() or starts with endLine(), so that no message is glued to a bar.

#include <chrono>
#include <ostream>
#include <string>

namespace cli {

class Progress {
public:
    Progress();
    ~Progress();
    Progress(const Progress &) = delete;
    Progress &operator=(const Progress &) = delete;

    // `fraction` of the whole in [0, 1]; `text` what is going on now. Restarts
    // the clock when fraction goes back to 0 (a new run).
    void update(double fraction, const std::string &text);
    // A line that stays (an epoch's summary, a status): ends the open line first.
    void note(const std::string &text);
    // Ends the open progress line, if any.
    void end();

    // --quiet: no progress at all (notes still print).
    static void setQuiet(bool quiet);
    static bool quiet();
    // Ends whatever progress line is open: called before an error message.
    static void endLine();

private:
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_lastDraw;
    double m_lastFraction = -1;
    int m_lastTenth = -1;
};

// "1:05" / "1:02:03": minutes and seconds, hours when it takes that long.
std::string clockText(double seconds);

} // namespace cli
